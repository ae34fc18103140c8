CREATE TABLE "classroom_bell_schedule" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"shift" smallint NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "classroom_bell_schedule_institution_id_academic_year_id_shift_pk" PRIMARY KEY("institution_id","academic_year_id","shift")
);
--> statement-breakpoint
ALTER TABLE "classroom_class" ADD COLUMN "timetable_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "classroom_class" ADD COLUMN "subjects_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "classroom_bell_schedule" ADD CONSTRAINT "classroom_bell_schedule_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "classroom_bell_schedule" ADD CONSTRAINT "classroom_bell_schedule_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;