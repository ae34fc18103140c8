CREATE TABLE "portal_course_attempt" (
	"id" serial PRIMARY KEY NOT NULL,
	"lesson_id" integer NOT NULL,
	"course_id" integer NOT NULL,
	"student_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"class_id" integer,
	"run_id" integer,
	"place_path" integer[] NOT NULL,
	"score" smallint NOT NULL,
	"max_score" smallint NOT NULL,
	"answers" jsonb NOT NULL,
	"tries" smallint DEFAULT 1 NOT NULL,
	"done_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_course_attempt_once" UNIQUE("lesson_id","student_id"),
	CONSTRAINT "portal_course_attempt_score" CHECK ("portal_course_attempt"."score" between 0 and "portal_course_attempt"."max_score")
);
--> statement-breakpoint
CREATE TABLE "portal_course_run" (
	"id" serial PRIMARY KEY NOT NULL,
	"course_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"started_by" integer,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_course_run_class" UNIQUE("course_id","class_id")
);
--> statement-breakpoint
CREATE TABLE "portal_course" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"grade_from" smallint NOT NULL,
	"grade_to" smallint NOT NULL,
	"title" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	CONSTRAINT "portal_course_code_unique" UNIQUE("code"),
	CONSTRAINT "portal_course_band" CHECK ("portal_course"."grade_from" between 1 and "portal_course"."grade_to" and "portal_course"."grade_to" <= 12)
);
--> statement-breakpoint
CREATE TABLE "portal_course_lesson" (
	"id" serial PRIMARY KEY NOT NULL,
	"course_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"topic" text NOT NULL,
	"title" jsonb NOT NULL,
	"body" jsonb NOT NULL,
	"resource_ids" integer[] DEFAULT '{}'::int[] NOT NULL,
	"questions" jsonb NOT NULL,
	CONSTRAINT "portal_course_lesson_position" UNIQUE("course_id","position")
);
--> statement-breakpoint
CREATE TABLE "portal_sid_activity" (
	"id" serial PRIMARY KEY NOT NULL,
	"campaign_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"grade_from" smallint NOT NULL,
	"grade_to" smallint NOT NULL,
	"title" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	CONSTRAINT "portal_sid_activity_position" UNIQUE("campaign_id","position")
);
--> statement-breakpoint
CREATE TABLE "portal_sid_campaign" (
	"id" serial PRIMARY KEY NOT NULL,
	"year" smallint NOT NULL,
	"day" date NOT NULL,
	"theme" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	CONSTRAINT "portal_sid_campaign_year_unique" UNIQUE("year")
);
--> statement-breakpoint
CREATE TABLE "portal_sid_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"campaign_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"place_path" integer[] NOT NULL,
	"title" text NOT NULL,
	"held_on" date NOT NULL,
	"participants" integer NOT NULL,
	"activity_ids" integer[] DEFAULT '{}'::int[] NOT NULL,
	"registered_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_sid_event_school" UNIQUE("campaign_id","institution_id"),
	CONSTRAINT "portal_sid_event_participants" CHECK ("portal_sid_event"."participants" between 1 and 100000)
);
--> statement-breakpoint
ALTER TABLE "portal_course_attempt" ADD CONSTRAINT "portal_course_attempt_lesson_id_portal_course_lesson_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."portal_course_lesson"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_attempt" ADD CONSTRAINT "portal_course_attempt_course_id_portal_course_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."portal_course"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_attempt" ADD CONSTRAINT "portal_course_attempt_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_attempt" ADD CONSTRAINT "portal_course_attempt_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_attempt" ADD CONSTRAINT "portal_course_attempt_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_attempt" ADD CONSTRAINT "portal_course_attempt_run_id_portal_course_run_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."portal_course_run"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_run" ADD CONSTRAINT "portal_course_run_course_id_portal_course_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."portal_course"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_run" ADD CONSTRAINT "portal_course_run_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_run" ADD CONSTRAINT "portal_course_run_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_run" ADD CONSTRAINT "portal_course_run_started_by_identity_user_id_fk" FOREIGN KEY ("started_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_course_lesson" ADD CONSTRAINT "portal_course_lesson_course_id_portal_course_id_fk" FOREIGN KEY ("course_id") REFERENCES "public"."portal_course"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sid_activity" ADD CONSTRAINT "portal_sid_activity_campaign_id_portal_sid_campaign_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."portal_sid_campaign"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sid_event" ADD CONSTRAINT "portal_sid_event_campaign_id_portal_sid_campaign_id_fk" FOREIGN KEY ("campaign_id") REFERENCES "public"."portal_sid_campaign"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sid_event" ADD CONSTRAINT "portal_sid_event_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_sid_event" ADD CONSTRAINT "portal_sid_event_registered_by_identity_user_id_fk" FOREIGN KEY ("registered_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portal_course_attempt_path_idx" ON "portal_course_attempt" USING gin ("place_path");--> statement-breakpoint
CREATE INDEX "portal_course_attempt_school_idx" ON "portal_course_attempt" USING btree ("institution_id","course_id");--> statement-breakpoint
CREATE INDEX "portal_course_run_school_idx" ON "portal_course_run" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "portal_sid_event_path_idx" ON "portal_sid_event" USING gin ("place_path");