CREATE TABLE "assignments_assignment" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"class_id" integer NOT NULL,
	"subject_code" text NOT NULL,
	"lesson_id" integer,
	"teacher_id" integer NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"instructions" text,
	"due_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignments_file" (
	"id" serial PRIMARY KEY NOT NULL,
	"assignment_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"uploaded_by" integer NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" integer NOT NULL,
	"sha256" text NOT NULL,
	"storage_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignments_group_member" (
	"assignment_id" integer NOT NULL,
	"student_id" integer NOT NULL,
	"group_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	CONSTRAINT "assignments_group_member_assignment_id_student_id_pk" PRIMARY KEY("assignment_id","student_id")
);
--> statement-breakpoint
CREATE TABLE "assignments_group" (
	"id" serial PRIMARY KEY NOT NULL,
	"assignment_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"number" smallint NOT NULL,
	CONSTRAINT "assignments_group_number" UNIQUE("assignment_id","number")
);
--> statement-breakpoint
CREATE TABLE "assignments_submission_file" (
	"submission_id" integer NOT NULL,
	"file_id" integer NOT NULL,
	"position" smallint NOT NULL,
	CONSTRAINT "assignments_submission_file_submission_id_file_id_pk" PRIMARY KEY("submission_id","file_id")
);
--> statement-breakpoint
CREATE TABLE "assignments_submission" (
	"id" serial PRIMARY KEY NOT NULL,
	"assignment_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"student_id" integer,
	"group_id" integer,
	"version" smallint NOT NULL,
	"text" text,
	"submitted_by" integer NOT NULL,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"late" boolean NOT NULL,
	"mark" smallint,
	"feedback" text,
	"resubmission_requested" boolean DEFAULT false NOT NULL,
	"marked_by" integer,
	"marked_at" timestamp with time zone,
	CONSTRAINT "assignments_submission_student_version" UNIQUE("assignment_id","student_id","version"),
	CONSTRAINT "assignments_submission_group_version" UNIQUE("assignment_id","group_id","version"),
	CONSTRAINT "assignments_submission_owner" CHECK (("assignments_submission"."student_id" is null) <> ("assignments_submission"."group_id" is null))
);
--> statement-breakpoint
CREATE TABLE "notifications_notification" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "assignments_assignment" ADD CONSTRAINT "assignments_assignment_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_assignment" ADD CONSTRAINT "assignments_assignment_class_id_classroom_class_id_fk" FOREIGN KEY ("class_id") REFERENCES "public"."classroom_class"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_assignment" ADD CONSTRAINT "assignments_assignment_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_assignment" ADD CONSTRAINT "assignments_assignment_lesson_id_classroom_lesson_id_fk" FOREIGN KEY ("lesson_id") REFERENCES "public"."classroom_lesson"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_assignment" ADD CONSTRAINT "assignments_assignment_teacher_id_identity_user_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_file" ADD CONSTRAINT "assignments_file_assignment_id_assignments_assignment_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments_assignment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_file" ADD CONSTRAINT "assignments_file_uploaded_by_identity_user_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_group_member" ADD CONSTRAINT "assignments_group_member_assignment_id_assignments_assignment_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments_assignment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_group_member" ADD CONSTRAINT "assignments_group_member_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_group_member" ADD CONSTRAINT "assignments_group_member_group_id_assignments_group_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."assignments_group"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_group" ADD CONSTRAINT "assignments_group_assignment_id_assignments_assignment_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments_assignment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission_file" ADD CONSTRAINT "assignments_submission_file_submission_id_assignments_submission_id_fk" FOREIGN KEY ("submission_id") REFERENCES "public"."assignments_submission"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission_file" ADD CONSTRAINT "assignments_submission_file_file_id_assignments_file_id_fk" FOREIGN KEY ("file_id") REFERENCES "public"."assignments_file"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission" ADD CONSTRAINT "assignments_submission_assignment_id_assignments_assignment_id_fk" FOREIGN KEY ("assignment_id") REFERENCES "public"."assignments_assignment"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission" ADD CONSTRAINT "assignments_submission_student_id_identity_user_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission" ADD CONSTRAINT "assignments_submission_group_id_assignments_group_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."assignments_group"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission" ADD CONSTRAINT "assignments_submission_submitted_by_identity_user_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignments_submission" ADD CONSTRAINT "assignments_submission_marked_by_identity_user_id_fk" FOREIGN KEY ("marked_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications_notification" ADD CONSTRAINT "notifications_notification_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "assignments_assignment_class_idx" ON "assignments_assignment" USING btree ("class_id","due_at");--> statement-breakpoint
CREATE INDEX "assignments_assignment_school_idx" ON "assignments_assignment" USING btree ("institution_id","due_at");--> statement-breakpoint
CREATE INDEX "assignments_file_assignment_idx" ON "assignments_file" USING btree ("assignment_id","uploaded_by");--> statement-breakpoint
CREATE INDEX "assignments_group_member_group_idx" ON "assignments_group_member" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "notifications_notification_user_idx" ON "notifications_notification" USING btree ("user_id","id");
