CREATE TABLE "contests_answer" (
	"attempt_id" integer NOT NULL,
	"question_id" integer NOT NULL,
	"version" integer NOT NULL,
	"answer" jsonb NOT NULL,
	"saved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contests_answer_attempt_id_question_id_pk" PRIMARY KEY("attempt_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "contests_attempt" (
	"id" serial PRIMARY KEY NOT NULL,
	"contest_id" integer NOT NULL,
	"student_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"area_path" integer[] NOT NULL,
	"attempt_no" smallint NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"deadline" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"score" integer,
	"max_score" integer NOT NULL,
	"marks" jsonb,
	CONSTRAINT "contests_attempt_number" UNIQUE("contest_id","student_id","attempt_no")
);
--> statement-breakpoint
CREATE TABLE "contests_contest_question" (
	"contest_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"question_id" integer NOT NULL,
	"kind" text NOT NULL,
	"language" text NOT NULL,
	"prompt" text NOT NULL,
	"body" jsonb NOT NULL,
	"key" jsonb NOT NULL,
	"points" smallint NOT NULL,
	CONSTRAINT "contests_contest_question_contest_id_position_pk" PRIMARY KEY("contest_id","position"),
	CONSTRAINT "contests_contest_question_once" UNIQUE("contest_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "contests_contest" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"subject_code" text NOT NULL,
	"grade" smallint NOT NULL,
	"scope" text NOT NULL,
	"class_id" integer,
	"institution_id" integer,
	"area_id" integer,
	"date" date NOT NULL,
	"windows" jsonb NOT NULL,
	"opens_at" timestamp with time zone NOT NULL,
	"closes_at" timestamp with time zone NOT NULL,
	"time_limit_minutes" smallint NOT NULL,
	"max_attempts" smallint DEFAULT 1 NOT NULL,
	"shuffle" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contests_contest_limits" CHECK ("contests_contest"."time_limit_minutes" between 1 and 600 and "contests_contest"."max_attempts" between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE "contests_question" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer,
	"subject_code" text NOT NULL,
	"grade" smallint NOT NULL,
	"kind" text NOT NULL,
	"language" text NOT NULL,
	"prompt" text NOT NULL,
	"body" jsonb NOT NULL,
	"key" jsonb NOT NULL,
	"points" smallint DEFAULT 1 NOT NULL,
	"author_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contests_question_points" CHECK ("contests_question"."points" between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "contests_answer" ADD CONSTRAINT "contests_answer_attempt_id_contests_attempt_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."contests_attempt"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_attempt" ADD CONSTRAINT "contests_attempt_contest_id_contests_contest_id_fk" FOREIGN KEY ("contest_id") REFERENCES "public"."contests_contest"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_attempt" ADD CONSTRAINT "contests_attempt_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_attempt" ADD CONSTRAINT "contests_attempt_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_attempt" ADD CONSTRAINT "contests_attempt_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest_question" ADD CONSTRAINT "contests_contest_question_contest_id_contests_contest_id_fk" FOREIGN KEY ("contest_id") REFERENCES "public"."contests_contest"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest_question" ADD CONSTRAINT "contests_contest_question_question_id_contests_question_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."contests_question"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest" ADD CONSTRAINT "contests_contest_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest" ADD CONSTRAINT "contests_contest_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest" ADD CONSTRAINT "contests_contest_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest" ADD CONSTRAINT "contests_contest_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_contest" ADD CONSTRAINT "contests_contest_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_question" ADD CONSTRAINT "contests_question_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_question" ADD CONSTRAINT "contests_question_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contests_question" ADD CONSTRAINT "contests_question_author_id_identity_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contests_attempt_one_open" ON "contests_attempt" USING btree ("contest_id","student_id") WHERE "contests_attempt"."state" = 'open';--> statement-breakpoint
CREATE INDEX "contests_attempt_school_idx" ON "contests_attempt" USING btree ("contest_id","institution_id");--> statement-breakpoint
CREATE INDEX "contests_attempt_deadline_idx" ON "contests_attempt" USING btree ("contest_id","deadline") WHERE "contests_attempt"."state" = 'open';--> statement-breakpoint
CREATE INDEX "contests_contest_institution_idx" ON "contests_contest" USING btree ("institution_id","date");--> statement-breakpoint
CREATE INDEX "contests_contest_date_idx" ON "contests_contest" USING btree ("date");--> statement-breakpoint
CREATE INDEX "contests_question_bank_idx" ON "contests_question" USING btree ("institution_id","subject_code","grade");
