CREATE TABLE "classroom_bell_period" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"shift" smallint NOT NULL,
	"period" smallint NOT NULL,
	"start_minute" smallint NOT NULL,
	"end_minute" smallint NOT NULL,
	CONSTRAINT "classroom_bell_period_institution_id_academic_year_id_shift_period_pk" PRIMARY KEY("institution_id","academic_year_id","shift","period"),
	CONSTRAINT "classroom_bell_period_times" CHECK ("classroom_bell_period"."start_minute" >= 0 and "classroom_bell_period"."start_minute" < "classroom_bell_period"."end_minute" and "classroom_bell_period"."end_minute" <= 1440)
);
--> statement-breakpoint
CREATE TABLE "classroom_lesson_material" (
	"lesson_id" integer NOT NULL,
	"position" smallint NOT NULL,
	"institution_id" integer NOT NULL,
	"kind" text NOT NULL,
	"resource_id" integer,
	"url" text,
	"title" text,
	CONSTRAINT "classroom_lesson_material_lesson_id_position_pk" PRIMARY KEY("lesson_id","position")
);
--> statement-breakpoint
CREATE TABLE "classroom_lesson" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"timetable_entry_id" integer,
	"date" date NOT NULL,
	"period" smallint NOT NULL,
	"subject_code" text NOT NULL,
	"teacher_id" integer NOT NULL,
	"room" text,
	"start_minute" smallint NOT NULL,
	"end_minute" smallint NOT NULL,
	"state" text DEFAULT 'scheduled' NOT NULL,
	"topic" text,
	"homework" text,
	"meeting_url" text,
	"has_content" boolean DEFAULT false NOT NULL,
	"content_updated_at" timestamp with time zone,
	CONSTRAINT "classroom_lesson_slot" UNIQUE("class_id","date","period")
);
--> statement-breakpoint
CREATE TABLE "classroom_subject_teacher" (
	"class_id" integer NOT NULL,
	"subject_code" text NOT NULL,
	"teacher_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	CONSTRAINT "classroom_subject_teacher_class_id_subject_code_pk" PRIMARY KEY("class_id","subject_code")
);
--> statement-breakpoint
CREATE TABLE "classroom_timetable_entry" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"weekday" smallint NOT NULL,
	"period" smallint NOT NULL,
	"subject_code" text NOT NULL,
	"teacher_id" integer NOT NULL,
	"room" text,
	CONSTRAINT "classroom_timetable_entry_slot" UNIQUE("class_id","weekday","period"),
	CONSTRAINT "classroom_timetable_entry_weekday" CHECK ("classroom_timetable_entry"."weekday" between 1 and 7)
);
--> statement-breakpoint
ALTER TABLE "classroom_bell_period" ADD CONSTRAINT "classroom_bell_period_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_bell_period" ADD CONSTRAINT "classroom_bell_period_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson_material" ADD CONSTRAINT "classroom_lesson_material_lesson_id_classroom_lesson_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."classroom_lesson"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson_material" ADD CONSTRAINT "classroom_lesson_material_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson" ADD CONSTRAINT "classroom_lesson_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson" ADD CONSTRAINT "classroom_lesson_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson" ADD CONSTRAINT "classroom_lesson_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson" ADD CONSTRAINT "classroom_lesson_timetable_entry_id_classroom_timetable_entry_id_fk" FOREIGN KEY ("timetable_entry_id") REFERENCES "public"."classroom_timetable_entry"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson" ADD CONSTRAINT "classroom_lesson_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_lesson" ADD CONSTRAINT "classroom_lesson_teacher_id_identity_user_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_subject_teacher" ADD CONSTRAINT "classroom_subject_teacher_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_subject_teacher" ADD CONSTRAINT "classroom_subject_teacher_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_subject_teacher" ADD CONSTRAINT "classroom_subject_teacher_teacher_id_identity_user_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_subject_teacher" ADD CONSTRAINT "classroom_subject_teacher_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_timetable_entry" ADD CONSTRAINT "classroom_timetable_entry_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_timetable_entry" ADD CONSTRAINT "classroom_timetable_entry_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_timetable_entry" ADD CONSTRAINT "classroom_timetable_entry_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_timetable_entry" ADD CONSTRAINT "classroom_timetable_entry_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_timetable_entry" ADD CONSTRAINT "classroom_timetable_entry_teacher_id_identity_user_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "classroom_lesson_teacher_idx" ON "classroom_lesson" USING btree ("teacher_id","date");--> statement-breakpoint
CREATE INDEX "classroom_subject_teacher_teacher_idx" ON "classroom_subject_teacher" USING btree ("teacher_id");--> statement-breakpoint
CREATE INDEX "classroom_timetable_entry_teacher_idx" ON "classroom_timetable_entry" USING btree ("teacher_id","academic_year_id","weekday");--> statement-breakpoint
CREATE INDEX "classroom_timetable_entry_school_idx" ON "classroom_timetable_entry" USING btree ("institution_id","academic_year_id","weekday");