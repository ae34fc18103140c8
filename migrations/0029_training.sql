CREATE TABLE "training_attempt" (
	"id" serial PRIMARY KEY NOT NULL,
	"enrolment_id" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"answers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"points" numeric(8, 2),
	"max_points" numeric(8, 2),
	"passed" boolean
);
--> statement-breakpoint
CREATE TABLE "training_certificate" (
	"id" uuid PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"programme_id" integer,
	"enrolment_id" integer,
	"title" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone,
	"status_list_id" integer NOT NULL,
	"status_index" integer NOT NULL,
	"credential" jsonb NOT NULL,
	"revoked_at" timestamp with time zone,
	"revoked_by" integer,
	"revoke_reason" text,
	"reminded_at" timestamp with time zone,
	CONSTRAINT "training_certificate_enrolment_id_unique" UNIQUE("enrolment_id")
);
--> statement-breakpoint
CREATE TABLE "training_competency" (
	"id" text PRIMARY KEY NOT NULL,
	"framework_id" text NOT NULL,
	"area_id" text NOT NULL,
	"position" smallint NOT NULL,
	"name" jsonb NOT NULL,
	"descriptor" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_competency_link" (
	"competency_id" text NOT NULL,
	"related_id" text NOT NULL,
	CONSTRAINT "training_competency_link_competency_id_related_id_pk" PRIMARY KEY("competency_id","related_id")
);
--> statement-breakpoint
CREATE TABLE "training_enrolment" (
	"id" serial PRIMARY KEY NOT NULL,
	"programme_id" integer NOT NULL,
	"session_id" integer,
	"user_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"status" text NOT NULL,
	"origin" text NOT NULL,
	"requested_by" integer NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"attended" boolean,
	"score" smallint,
	"completed_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_external" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"provider" text NOT NULL,
	"issued_on" date NOT NULL,
	"expires_on" date,
	"reference" text DEFAULT '' NOT NULL,
	"evidence_key" text,
	"evidence_name" text,
	"status" text DEFAULT 'submitted' NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"note" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_framework_area" (
	"id" text PRIMARY KEY NOT NULL,
	"framework_id" text NOT NULL,
	"position" smallint NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_framework" (
	"id" text PRIMARY KEY NOT NULL,
	"position" smallint NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	"levels" jsonb NOT NULL,
	"self_assessment" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_history_import" (
	"id" serial PRIMARY KEY NOT NULL,
	"file_name" text NOT NULL,
	"rows" integer NOT NULL,
	"imported_by" integer NOT NULL,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_history_record" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"import_id" integer NOT NULL,
	"user_id" integer,
	"institution_id" integer,
	"person_name" text NOT NULL,
	"sex" text,
	"isced" smallint,
	"programme" text NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"completed_on" date NOT NULL,
	"hours" smallint,
	"ict" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_issuer_key" (
	"id" text PRIMARY KEY NOT NULL,
	"public_key_multibase" text NOT NULL,
	"secret_key_multibase" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "training_item" (
	"id" text PRIMARY KEY NOT NULL,
	"framework_id" text NOT NULL,
	"area_id" text NOT NULL,
	"competency_id" text,
	"position" smallint NOT NULL,
	"text" jsonb NOT NULL,
	"options" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_plan" (
	"id" serial PRIMARY KEY NOT NULL,
	"year_id" integer NOT NULL,
	"title" text NOT NULL,
	"budget" numeric(14, 2),
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_plan_year_id_unique" UNIQUE("year_id")
);
--> statement-breakpoint
CREATE TABLE "training_programme_seat" (
	"programme_id" integer NOT NULL,
	"area_id" integer NOT NULL,
	"seats" integer NOT NULL,
	CONSTRAINT "training_programme_seat_programme_id_area_id_pk" PRIMARY KEY("programme_id","area_id"),
	CONSTRAINT "training_programme_seat_seats" CHECK ("training_programme_seat"."seats" >= 0)
);
--> statement-breakpoint
CREATE TABLE "training_programme" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"mode" text NOT NULL,
	"framework_id" text NOT NULL,
	"area_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"for_below_level" smallint,
	"target_group" text DEFAULT '' NOT NULL,
	"hours" smallint NOT NULL,
	"pass_mark" smallint,
	"valid_months" smallint,
	"budget" numeric(14, 2),
	"status" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_programme_pass_mark" CHECK ("training_programme"."pass_mark" between 1 and 100),
	CONSTRAINT "training_programme_hours" CHECK ("training_programme"."hours" between 1 and 1000)
);
--> statement-breakpoint
CREATE TABLE "training_question" (
	"id" serial PRIMARY KEY NOT NULL,
	"programme_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"kind" text NOT NULL,
	"body" jsonb NOT NULL,
	"answer" jsonb NOT NULL,
	"points" smallint DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_round" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"framework_id" text NOT NULL,
	"opens_on" date NOT NULL,
	"closes_on" date NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_school_level" (
	"institution_id" integer NOT NULL,
	"area_id" text NOT NULL,
	"level" smallint NOT NULL,
	"teachers" integer NOT NULL,
	CONSTRAINT "training_school_level_institution_id_area_id_level_pk" PRIMARY KEY("institution_id","area_id","level"),
	CONSTRAINT "training_school_level_teachers" CHECK ("training_school_level"."teachers" >= 0)
);
--> statement-breakpoint
CREATE TABLE "training_self_answer" (
	"assessment_id" integer NOT NULL,
	"item_id" text NOT NULL,
	"choice" smallint NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_self_answer_assessment_id_item_id_pk" PRIMARY KEY("assessment_id","item_id")
);
--> statement-breakpoint
CREATE TABLE "training_self_assessment" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"framework_id" text NOT NULL,
	"institution_id" integer,
	"round_id" integer,
	"status" text DEFAULT 'open' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone,
	"version" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_self_result" (
	"assessment_id" integer NOT NULL,
	"area_id" text NOT NULL,
	"score" smallint NOT NULL,
	"level" smallint NOT NULL,
	CONSTRAINT "training_self_result_assessment_id_area_id_pk" PRIMARY KEY("assessment_id","area_id")
);
--> statement-breakpoint
CREATE TABLE "training_session" (
	"id" serial PRIMARY KEY NOT NULL,
	"programme_id" integer NOT NULL,
	"area_id" integer,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"place" text,
	"webinar_id" integer,
	"capacity" integer NOT NULL,
	"cancelled" boolean DEFAULT false NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"attendance_version" integer DEFAULT 0 NOT NULL,
	"created_by" integer NOT NULL,
	CONSTRAINT "training_session_capacity" CHECK ("training_session"."capacity" between 1 and 100000),
	CONSTRAINT "training_session_times" CHECK ("training_session"."ends_at" > "training_session"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "training_status_list" (
	"id" serial PRIMARY KEY NOT NULL,
	"size" integer NOT NULL,
	"next_index" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"signed_version" integer,
	"credential" jsonb
);
--> statement-breakpoint
CREATE TABLE "training_target" (
	"year_id" integer NOT NULL,
	"area_id" text NOT NULL,
	"level" smallint NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "training_target_year_id_area_id_pk" PRIMARY KEY("year_id","area_id")
);
--> statement-breakpoint
CREATE TABLE "training_teacher_level" (
	"user_id" integer NOT NULL,
	"area_id" text NOT NULL,
	"institution_id" integer,
	"level" smallint NOT NULL,
	"assessed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "training_teacher_level_user_id_area_id_pk" PRIMARY KEY("user_id","area_id")
);
--> statement-breakpoint
ALTER TABLE "identity_user" ADD COLUMN "sex" text;--> statement-breakpoint
ALTER TABLE "training_attempt" ADD CONSTRAINT "training_attempt_enrolment_id_training_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."training_enrolment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_certificate" ADD CONSTRAINT "training_certificate_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_certificate" ADD CONSTRAINT "training_certificate_programme_id_training_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."training_programme"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_certificate" ADD CONSTRAINT "training_certificate_enrolment_id_training_enrolment_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."training_enrolment"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_certificate" ADD CONSTRAINT "training_certificate_status_list_id_training_status_list_id_fk" FOREIGN KEY ("status_list_id") REFERENCES "public"."training_status_list"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_certificate" ADD CONSTRAINT "training_certificate_revoked_by_identity_user_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_competency" ADD CONSTRAINT "training_competency_framework_id_training_framework_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."training_framework"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_competency" ADD CONSTRAINT "training_competency_area_id_training_framework_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."training_framework_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_competency_link" ADD CONSTRAINT "training_competency_link_competency_id_training_competency_id_fk" FOREIGN KEY ("competency_id") REFERENCES "public"."training_competency"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_competency_link" ADD CONSTRAINT "training_competency_link_related_id_training_competency_id_fk" FOREIGN KEY ("related_id") REFERENCES "public"."training_competency"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolment" ADD CONSTRAINT "training_enrolment_programme_id_training_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."training_programme"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolment" ADD CONSTRAINT "training_enrolment_session_id_training_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_session"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolment" ADD CONSTRAINT "training_enrolment_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolment" ADD CONSTRAINT "training_enrolment_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolment" ADD CONSTRAINT "training_enrolment_requested_by_identity_user_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_enrolment" ADD CONSTRAINT "training_enrolment_decided_by_identity_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_external" ADD CONSTRAINT "training_external_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_external" ADD CONSTRAINT "training_external_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_external" ADD CONSTRAINT "training_external_decided_by_identity_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_framework_area" ADD CONSTRAINT "training_framework_area_framework_id_training_framework_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."training_framework"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_history_import" ADD CONSTRAINT "training_history_import_imported_by_identity_user_id_fk" FOREIGN KEY ("imported_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_history_record" ADD CONSTRAINT "training_history_record_import_id_training_history_import_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."training_history_import"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_history_record" ADD CONSTRAINT "training_history_record_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_history_record" ADD CONSTRAINT "training_history_record_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_item" ADD CONSTRAINT "training_item_framework_id_training_framework_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."training_framework"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_item" ADD CONSTRAINT "training_item_area_id_training_framework_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."training_framework_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_item" ADD CONSTRAINT "training_item_competency_id_training_competency_id_fk" FOREIGN KEY ("competency_id") REFERENCES "public"."training_competency"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_plan" ADD CONSTRAINT "training_plan_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_plan" ADD CONSTRAINT "training_plan_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_programme_seat" ADD CONSTRAINT "training_programme_seat_programme_id_training_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."training_programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_programme_seat" ADD CONSTRAINT "training_programme_seat_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_programme" ADD CONSTRAINT "training_programme_plan_id_training_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."training_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_programme" ADD CONSTRAINT "training_programme_framework_id_training_framework_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."training_framework"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_programme" ADD CONSTRAINT "training_programme_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_question" ADD CONSTRAINT "training_question_programme_id_training_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."training_programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_round" ADD CONSTRAINT "training_round_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_round" ADD CONSTRAINT "training_round_framework_id_training_framework_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."training_framework"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_round" ADD CONSTRAINT "training_round_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_school_level" ADD CONSTRAINT "training_school_level_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_school_level" ADD CONSTRAINT "training_school_level_area_id_training_framework_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."training_framework_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_answer" ADD CONSTRAINT "training_self_answer_assessment_id_training_self_assessment_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."training_self_assessment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_answer" ADD CONSTRAINT "training_self_answer_item_id_training_item_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."training_item"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_assessment" ADD CONSTRAINT "training_self_assessment_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_assessment" ADD CONSTRAINT "training_self_assessment_framework_id_training_framework_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."training_framework"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_assessment" ADD CONSTRAINT "training_self_assessment_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_assessment" ADD CONSTRAINT "training_self_assessment_round_id_training_round_id_fk" FOREIGN KEY ("round_id") REFERENCES "public"."training_round"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_result" ADD CONSTRAINT "training_self_result_assessment_id_training_self_assessment_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."training_self_assessment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_self_result" ADD CONSTRAINT "training_self_result_area_id_training_framework_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."training_framework_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_session" ADD CONSTRAINT "training_session_programme_id_training_programme_id_fk" FOREIGN KEY ("programme_id") REFERENCES "public"."training_programme"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_session" ADD CONSTRAINT "training_session_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_session" ADD CONSTRAINT "training_session_webinar_id_webinars_webinar_id_fk" FOREIGN KEY ("webinar_id") REFERENCES "public"."webinars_webinar"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_session" ADD CONSTRAINT "training_session_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_target" ADD CONSTRAINT "training_target_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_target" ADD CONSTRAINT "training_target_area_id_training_framework_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."training_framework_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_teacher_level" ADD CONSTRAINT "training_teacher_level_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_teacher_level" ADD CONSTRAINT "training_teacher_level_area_id_training_framework_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."training_framework_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_teacher_level" ADD CONSTRAINT "training_teacher_level_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_attempt_enrolment_idx" ON "training_attempt" USING btree ("enrolment_id");--> statement-breakpoint
CREATE UNIQUE INDEX "training_certificate_status_idx" ON "training_certificate" USING btree ("status_list_id","status_index");--> statement-breakpoint
CREATE INDEX "training_certificate_user_idx" ON "training_certificate" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "training_certificate_programme_idx" ON "training_certificate" USING btree ("programme_id");--> statement-breakpoint
CREATE INDEX "training_certificate_expiry_idx" ON "training_certificate" USING btree ("valid_until") WHERE "training_certificate"."revoked_at" is null and "training_certificate"."reminded_at" is null;--> statement-breakpoint
CREATE INDEX "training_competency_area_idx" ON "training_competency" USING btree ("area_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "training_enrolment_person_idx" ON "training_enrolment" USING btree ("programme_id","user_id");--> statement-breakpoint
CREATE INDEX "training_enrolment_user_idx" ON "training_enrolment" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "training_enrolment_session_idx" ON "training_enrolment" USING btree ("session_id","status");--> statement-breakpoint
CREATE INDEX "training_enrolment_school_idx" ON "training_enrolment" USING btree ("institution_id","status");--> statement-breakpoint
CREATE INDEX "training_external_user_idx" ON "training_external" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "training_external_school_idx" ON "training_external" USING btree ("institution_id","status");--> statement-breakpoint
CREATE INDEX "training_framework_area_framework_idx" ON "training_framework_area" USING btree ("framework_id","position");--> statement-breakpoint
CREATE INDEX "training_history_record_year_idx" ON "training_history_record" USING btree ("completed_on");--> statement-breakpoint
CREATE INDEX "training_history_record_user_idx" ON "training_history_record" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "training_item_framework_idx" ON "training_item" USING btree ("framework_id","position");--> statement-breakpoint
CREATE INDEX "training_programme_plan_idx" ON "training_programme" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "training_question_programme_idx" ON "training_question" USING btree ("programme_id","position");--> statement-breakpoint
CREATE INDEX "training_round_school_idx" ON "training_round" USING btree ("institution_id","closes_on");--> statement-breakpoint
CREATE INDEX "training_self_assessment_user_idx" ON "training_self_assessment" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "training_self_assessment_open_idx" ON "training_self_assessment" USING btree ("user_id","framework_id") WHERE "training_self_assessment"."status" = 'open';--> statement-breakpoint
CREATE INDEX "training_session_programme_idx" ON "training_session" USING btree ("programme_id","starts_at");--> statement-breakpoint
CREATE INDEX "training_teacher_level_school_idx" ON "training_teacher_level" USING btree ("institution_id","area_id");