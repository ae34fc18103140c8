CREATE TABLE "classroom_class" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"grade" smallint NOT NULL,
	"letter" text NOT NULL,
	"language" text DEFAULT 'az' NOT NULL,
	"shift" smallint DEFAULT 1 NOT NULL,
	"homeroom_teacher_id" integer,
	CONSTRAINT "classroom_class_name" UNIQUE("institution_id","academic_year_id","grade","letter")
);
--> statement-breakpoint
CREATE TABLE "classroom_enrolment" (
	"class_id" integer NOT NULL,
	"student_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	CONSTRAINT "classroom_enrolment_class_id_student_id_pk" PRIMARY KEY("class_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "identity_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_id" integer,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"ip" text
);
--> statement-breakpoint
CREATE TABLE "identity_guardian" (
	"parent_id" integer NOT NULL,
	"student_id" integer NOT NULL,
	CONSTRAINT "identity_guardian_parent_id_student_id_pk" PRIMARY KEY("parent_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "identity_login_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"window_started_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_role_grant" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"role" text NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	CONSTRAINT "identity_role_grant_scope" CHECK (case
        when "identity_role_grant"."role" in ('admin', 'bureau', 'editor', 'parent') then "identity_role_grant"."area_id" is null and "identity_role_grant"."institution_id" is null
        when "identity_role_grant"."role" = 'regional' then "identity_role_grant"."area_id" is not null and "identity_role_grant"."institution_id" is null
        else "identity_role_grant"."institution_id" is not null and "identity_role_grant"."area_id" is null end)
);
--> statement-breakpoint
CREATE TABLE "identity_session" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ip" text,
	"user_agent" text
);
--> statement-breakpoint
CREATE TABLE "identity_user" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"password_hash" text,
	"display_name" text NOT NULL,
	"locale" text DEFAULT 'az' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identity_user_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "institutions_academic_year" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"is_current" boolean DEFAULT false NOT NULL,
	CONSTRAINT "institutions_academic_year_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "institutions_area" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"parent_id" integer,
	"kind" text NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"path" integer[] NOT NULL,
	CONSTRAINT "institutions_area_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "institutions_calendar_entry" (
	"id" serial PRIMARY KEY NOT NULL,
	"academic_year_id" integer NOT NULL,
	"kind" text NOT NULL,
	"code" text NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	CONSTRAINT "institutions_calendar_entry_code" UNIQUE("academic_year_id","code")
);
--> statement-breakpoint
CREATE TABLE "institutions_grade" (
	"number" smallint PRIMARY KEY NOT NULL,
	"level_code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "institutions_grading_scale" (
	"code" text PRIMARY KEY NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"marks" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "institutions_institution" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"kind" text NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"area_id" integer NOT NULL,
	"ownership" text NOT NULL,
	"locality" text NOT NULL,
	"latitude" double precision,
	"longitude" double precision,
	"levels" text[] NOT NULL,
	"shifts" smallint DEFAULT 1 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"student_count" integer DEFAULT 0 NOT NULL,
	"teacher_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "institutions_institution_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "institutions_level" (
	"code" text PRIMARY KEY NOT NULL,
	"position" smallint NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "institutions_subject" (
	"code" text PRIMARY KEY NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"grades" smallint[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "classroom_class" ADD CONSTRAINT "classroom_class_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_class" ADD CONSTRAINT "classroom_class_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_class" ADD CONSTRAINT "classroom_class_homeroom_teacher_id_identity_user_id_fk" FOREIGN KEY ("homeroom_teacher_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_enrolment" ADD CONSTRAINT "classroom_enrolment_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_enrolment" ADD CONSTRAINT "classroom_enrolment_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_guardian" ADD CONSTRAINT "identity_guardian_parent_id_identity_user_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_guardian" ADD CONSTRAINT "identity_guardian_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_role_grant" ADD CONSTRAINT "identity_role_grant_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_role_grant" ADD CONSTRAINT "identity_role_grant_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_role_grant" ADD CONSTRAINT "identity_role_grant_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identity_session" ADD CONSTRAINT "identity_session_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institutions_calendar_entry" ADD CONSTRAINT "institutions_calendar_entry_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institutions_grade" ADD CONSTRAINT "institutions_grade_level_code_institutions_level_code_fk" FOREIGN KEY ("level_code") REFERENCES "public"."institutions_level"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institutions_institution" ADD CONSTRAINT "institutions_institution_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classroom_enrolment_student_idx" ON "classroom_enrolment" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "identity_audit_entity_idx" ON "identity_audit" USING btree ("entity","entity_id");--> statement-breakpoint
CREATE INDEX "identity_audit_at_idx" ON "identity_audit" USING btree ("at");--> statement-breakpoint
CREATE INDEX "identity_guardian_student_idx" ON "identity_guardian" USING btree ("student_id");--> statement-breakpoint
CREATE INDEX "identity_role_grant_user_idx" ON "identity_role_grant" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "identity_role_grant_institution_idx" ON "identity_role_grant" USING btree ("institution_id","role");--> statement-breakpoint
CREATE INDEX "identity_session_user_idx" ON "identity_session" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "institutions_area_parent_idx" ON "institutions_area" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "institutions_institution_area_idx" ON "institutions_institution" USING btree ("area_id");