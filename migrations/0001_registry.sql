CREATE TABLE "infrastructure_device_count" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"kind" text NOT NULL,
	"purpose" text NOT NULL,
	"total" integer NOT NULL,
	"working" integer NOT NULL,
	"source" text NOT NULL,
	CONSTRAINT "infrastructure_device_count_institution_id_academic_year_id_kind_purpose_pk" PRIMARY KEY("institution_id","academic_year_id","kind","purpose"),
	CONSTRAINT "infrastructure_device_count_range" CHECK ("infrastructure_device_count"."working" between 0 and "infrastructure_device_count"."total")
);
--> statement-breakpoint
CREATE TABLE "infrastructure_device_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"device_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"from_institution_id" integer,
	"note" text,
	"actor_id" integer
);
--> statement-breakpoint
CREATE TABLE "infrastructure_device" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"asset_tag" text NOT NULL,
	"serial" text,
	"kind" text NOT NULL,
	"model" text,
	"status" text DEFAULT 'in_use' NOT NULL,
	"condition" text DEFAULT 'working' NOT NULL,
	"purpose" text DEFAULT 'teaching' NOT NULL,
	"funding_programme" text,
	"acquired_on" date,
	"end_of_life_on" date,
	"last_audit_on" date,
	"next_audit_on" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "infrastructure_device_asset_tag_unique" UNIQUE("asset_tag")
);
--> statement-breakpoint
CREATE TABLE "infrastructure_internet_link" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"purpose" text NOT NULL,
	"type" text NOT NULL,
	"education_network" boolean NOT NULL,
	"provider" text,
	"download_mbps" real,
	"upload_mbps" real
);
--> statement-breakpoint
CREATE TABLE "infrastructure_measurement" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"measured_at" timestamp with time zone NOT NULL,
	"download_mbps" real NOT NULL,
	"upload_mbps" real,
	"latency_ms" real,
	"source" text NOT NULL,
	"recorded_by" integer
);
--> statement-breakpoint
CREATE TABLE "infrastructure_participation" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"project_id" integer NOT NULL,
	"evidence" text,
	"verified" boolean DEFAULT false NOT NULL,
	"verified_by" integer,
	CONSTRAINT "infrastructure_participation_institution_id_academic_year_id_project_id_pk" PRIMARY KEY("institution_id","academic_year_id","project_id")
);
--> statement-breakpoint
CREATE TABLE "infrastructure_project" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "infrastructure_project_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "infrastructure_school_year" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"teachers" integer,
	"teachers_ict_trained" integer,
	"classrooms" integer,
	"has_computer_lab" boolean,
	"electricity" boolean,
	"electricity_source" text,
	"electricity_hours" real,
	"state" text DEFAULT 'draft' NOT NULL,
	"verified_by" integer,
	"verified_at" timestamp with time zone,
	"review_note" text,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "infrastructure_school_year_institution_id_academic_year_id_pk" PRIMARY KEY("institution_id","academic_year_id"),
	CONSTRAINT "infrastructure_school_year_trained" CHECK ("infrastructure_school_year"."teachers_ict_trained" <= "infrastructure_school_year"."teachers"),
	CONSTRAINT "infrastructure_school_year_hours" CHECK ("infrastructure_school_year"."electricity_hours" between 0 and 24)
);
--> statement-breakpoint
CREATE TABLE "infrastructure_setting" (
	"key" text PRIMARY KEY NOT NULL,
	"value" double precision NOT NULL
);
--> statement-breakpoint
CREATE TABLE "infrastructure_student_count" (
	"institution_id" integer NOT NULL,
	"academic_year_id" integer NOT NULL,
	"level" text NOT NULL,
	"sex" text NOT NULL,
	"shift" smallint NOT NULL,
	"students" integer NOT NULL,
	CONSTRAINT "infrastructure_student_count_institution_id_academic_year_id_level_sex_shift_pk" PRIMARY KEY("institution_id","academic_year_id","level","sex","shift"),
	CONSTRAINT "infrastructure_student_count_positive" CHECK ("infrastructure_student_count"."students" >= 0 and "infrastructure_student_count"."shift" between 1 and 3)
);
--> statement-breakpoint
ALTER TABLE "infrastructure_device_count" ADD CONSTRAINT "infrastructure_device_count_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_device_count" ADD CONSTRAINT "infrastructure_device_count_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_device_event" ADD CONSTRAINT "infrastructure_device_event_device_id_infrastructure_device_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."infrastructure_device"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_device_event" ADD CONSTRAINT "infrastructure_device_event_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_device_event" ADD CONSTRAINT "infrastructure_device_event_from_institution_id_institutions_institution_id_fk" FOREIGN KEY ("from_institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_device_event" ADD CONSTRAINT "infrastructure_device_event_actor_id_identity_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_device" ADD CONSTRAINT "infrastructure_device_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_internet_link" ADD CONSTRAINT "infrastructure_internet_link_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_internet_link" ADD CONSTRAINT "infrastructure_internet_link_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_measurement" ADD CONSTRAINT "infrastructure_measurement_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_measurement" ADD CONSTRAINT "infrastructure_measurement_recorded_by_identity_user_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_participation" ADD CONSTRAINT "infrastructure_participation_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_participation" ADD CONSTRAINT "infrastructure_participation_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_participation" ADD CONSTRAINT "infrastructure_participation_project_id_infrastructure_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."infrastructure_project"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_participation" ADD CONSTRAINT "infrastructure_participation_verified_by_identity_user_id_fk" FOREIGN KEY ("verified_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_school_year" ADD CONSTRAINT "infrastructure_school_year_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_school_year" ADD CONSTRAINT "infrastructure_school_year_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_school_year" ADD CONSTRAINT "infrastructure_school_year_verified_by_identity_user_id_fk" FOREIGN KEY ("verified_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_school_year" ADD CONSTRAINT "infrastructure_school_year_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_student_count" ADD CONSTRAINT "infrastructure_student_count_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "infrastructure_student_count" ADD CONSTRAINT "infrastructure_student_count_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "infrastructure_device_event_device_idx" ON "infrastructure_device_event" USING btree ("device_id","at");--> statement-breakpoint
CREATE INDEX "infrastructure_device_school_idx" ON "infrastructure_device" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "infrastructure_internet_link_school_idx" ON "infrastructure_internet_link" USING btree ("institution_id","academic_year_id");--> statement-breakpoint
CREATE INDEX "infrastructure_measurement_school_idx" ON "infrastructure_measurement" USING btree ("institution_id","measured_at");