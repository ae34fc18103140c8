CREATE TABLE "councils_attendance" (
	"meeting_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"present" boolean NOT NULL,
	CONSTRAINT "councils_attendance_meeting_id_user_id_pk" PRIMARY KEY("meeting_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "councils_decision" (
	"id" serial PRIMARY KEY NOT NULL,
	"meeting_id" integer NOT NULL,
	"text" text NOT NULL,
	"owner_id" integer NOT NULL,
	"due_on" date NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "councils_meeting" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"held_on" date NOT NULL,
	"title" text NOT NULL,
	"agenda" text DEFAULT '' NOT NULL,
	"minutes" text DEFAULT '' NOT NULL,
	"created_by" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "councils_attendance" ADD CONSTRAINT "councils_attendance_meeting_id_councils_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."councils_meeting"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "councils_attendance" ADD CONSTRAINT "councils_attendance_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "councils_decision" ADD CONSTRAINT "councils_decision_meeting_id_councils_meeting_id_fk" FOREIGN KEY ("meeting_id") REFERENCES "public"."councils_meeting"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "councils_decision" ADD CONSTRAINT "councils_decision_owner_id_identity_user_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "councils_meeting" ADD CONSTRAINT "councils_meeting_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "councils_meeting" ADD CONSTRAINT "councils_meeting_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "councils_decision_meeting_idx" ON "councils_decision" USING btree ("meeting_id");
--> statement-breakpoint
CREATE INDEX "councils_decision_owner_idx" ON "councils_decision" USING btree ("owner_id","status");
--> statement-breakpoint
CREATE INDEX "councils_meeting_institution_idx" ON "councils_meeting" USING btree ("institution_id","held_on");
