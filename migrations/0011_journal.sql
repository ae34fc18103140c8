CREATE TABLE "journal_assessment" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"subject_code" text NOT NULL,
	"term_code" text NOT NULL,
	"date" date NOT NULL,
	"title" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_attendance_code" (
	"code" text PRIMARY KEY NOT NULL,
	"position" smallint NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"short_az" text NOT NULL,
	"short_ru" text NOT NULL,
	"short_en" text NOT NULL,
	"counts_as_present" boolean NOT NULL,
	"needs_reason" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_cell_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"student_id" integer NOT NULL,
	"column_key" text NOT NULL,
	"version" integer NOT NULL,
	"attendance_code" text,
	"attendance_reason" text,
	"mark" smallint,
	"mark_comment" text,
	"correction_reason" text,
	"by" integer,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_cell" (
	"student_id" integer NOT NULL,
	"column_key" text NOT NULL,
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"subject_code" text NOT NULL,
	"term_code" text NOT NULL,
	"date" date NOT NULL,
	"lesson_id" integer,
	"assessment_id" integer,
	"attendance_code" text,
	"attendance_reason" text,
	"mark" smallint,
	"mark_comment" text,
	"version" integer NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "journal_cell_student_id_column_key_pk" PRIMARY KEY("student_id","column_key"),
	CONSTRAINT "journal_cell_column" CHECK (("journal_cell"."lesson_id" is not null) <> ("journal_cell"."assessment_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "journal_link_code" (
	"id" serial PRIMARY KEY NOT NULL,
	"code_hash" text NOT NULL,
	"student_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by" integer,
	CONSTRAINT "journal_link_code_code_hash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "journal_result_override" (
	"class_id" integer NOT NULL,
	"subject_code" text NOT NULL,
	"term_code" text NOT NULL,
	"student_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"value" smallint,
	"reason" text NOT NULL,
	"set_by" integer,
	"set_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "journal_result_override_class_id_subject_code_term_code_student_id_pk" PRIMARY KEY("class_id","subject_code","term_code","student_id")
);
--> statement-breakpoint
CREATE TABLE "journal_term_closure" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"term_code" text NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_by" integer,
	CONSTRAINT "journal_term_closure_institution_id_academic_year_id_term_code_pk" PRIMARY KEY("institution_id","academic_year_id","term_code")
);
--> statement-breakpoint
ALTER TABLE "journal_assessment" ADD CONSTRAINT "journal_assessment_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_assessment" ADD CONSTRAINT "journal_assessment_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_assessment" ADD CONSTRAINT "journal_assessment_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_assessment" ADD CONSTRAINT "journal_assessment_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_assessment" ADD CONSTRAINT "journal_assessment_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_lesson_id_classroom_lesson_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."classroom_lesson"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_assessment_id_journal_assessment_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."journal_assessment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_attendance_code_journal_attendance_code_code_fk" FOREIGN KEY ("attendance_code") REFERENCES "public"."journal_attendance_code"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_cell" ADD CONSTRAINT "journal_cell_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_link_code" ADD CONSTRAINT "journal_link_code_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_link_code" ADD CONSTRAINT "journal_link_code_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_link_code" ADD CONSTRAINT "journal_link_code_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_link_code" ADD CONSTRAINT "journal_link_code_used_by_identity_user_id_fk" FOREIGN KEY ("used_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_result_override" ADD CONSTRAINT "journal_result_override_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_result_override" ADD CONSTRAINT "journal_result_override_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_result_override" ADD CONSTRAINT "journal_result_override_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_result_override" ADD CONSTRAINT "journal_result_override_set_by_identity_user_id_fk" FOREIGN KEY ("set_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_term_closure" ADD CONSTRAINT "journal_term_closure_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_term_closure" ADD CONSTRAINT "journal_term_closure_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_term_closure" ADD CONSTRAINT "journal_term_closure_closed_by_identity_user_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "journal_assessment_class_idx" ON "journal_assessment" USING btree ("class_id","subject_code","term_code");--> statement-breakpoint
CREATE INDEX "journal_cell_event_cell_idx" ON "journal_cell_event" USING btree ("student_id","column_key","version");--> statement-breakpoint
CREATE INDEX "journal_cell_class_idx" ON "journal_cell" USING btree ("class_id","subject_code","term_code");--> statement-breakpoint
CREATE INDEX "journal_cell_school_idx" ON "journal_cell" USING btree ("institution_id","academic_year_id","term_code");--> statement-breakpoint
CREATE INDEX "journal_link_code_student_idx" ON "journal_link_code" USING btree ("student_id");--> statement-breakpoint
-- A cell's history is append-only: an event, once written, is never changed or removed.
CREATE FUNCTION journal_cell_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'journal_cell_event is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_cell_event_append_only
  BEFORE UPDATE OR DELETE ON journal_cell_event
  FOR EACH ROW EXECUTE FUNCTION journal_cell_event_append_only();
