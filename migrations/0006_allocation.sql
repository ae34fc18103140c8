CREATE TABLE "allocation_application" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"state" text DEFAULT 'submitted' NOT NULL,
	"requested" jsonb NOT NULL,
	"justification" text NOT NULL,
	"snapshot" jsonb NOT NULL,
	"submitted_by" integer,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"registration_number" text,
	"registered_at" timestamp with time zone,
	"gates" jsonb,
	"reasons" text[],
	"examination_note" text,
	"examined_by" integer,
	"examined_at" timestamp with time zone,
	"appeal_text" text,
	"appealed_at" timestamp with time zone,
	CONSTRAINT "allocation_application_registration_number_unique" UNIQUE("registration_number"),
	CONSTRAINT "allocation_application_school" UNIQUE("plan_id","institution_id")
);
--> statement-breakpoint
CREATE TABLE "allocation_award" (
	"plan_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"kind" text NOT NULL,
	"units" integer NOT NULL,
	"score" real NOT NULL,
	CONSTRAINT "allocation_award_plan_id_institution_id_kind_pk" PRIMARY KEY("plan_id","institution_id","kind"),
	CONSTRAINT "allocation_award_units" CHECK ("allocation_award"."units" > 0)
);
--> statement-breakpoint
CREATE TABLE "allocation_batch_item" (
	"batch_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"kind" text NOT NULL,
	"units" integer NOT NULL,
	"received" integer,
	"serials" text[],
	CONSTRAINT "allocation_batch_item_batch_id_kind_pk" PRIMARY KEY("batch_id","kind"),
	CONSTRAINT "allocation_batch_item_units" CHECK ("allocation_batch_item"."units" > 0 and "allocation_batch_item"."received" between 0 and "allocation_batch_item"."units")
);
--> statement-breakpoint
CREATE TABLE "allocation_batch" (
	"id" serial PRIMARY KEY NOT NULL,
	"plan_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"state" text DEFAULT 'sent' NOT NULL,
	"note" text,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_by" integer,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "allocation_plan_version" (
	"plan_id" integer NOT NULL,
	"version" integer NOT NULL,
	"rules" jsonb NOT NULL,
	"published_by" integer,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocation_plan_version_plan_id_version_pk" PRIMARY KEY("plan_id","version")
);
--> statement-breakpoint
CREATE TABLE "allocation_plan" (
	"id" serial PRIMARY KEY NOT NULL,
	"academic_year_id" integer NOT NULL,
	"name" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"rules" jsonb NOT NULL,
	"applications_open_on" date NOT NULL,
	"applications_close_on" date NOT NULL,
	"appeals_close_on" date NOT NULL,
	"approved_by" integer,
	"approved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "allocation_plan_windows" CHECK ("allocation_plan"."applications_open_on" <= "allocation_plan"."applications_close_on" and "allocation_plan"."applications_close_on" <= "allocation_plan"."appeals_close_on")
);
--> statement-breakpoint
ALTER TABLE "allocation_application" ADD CONSTRAINT "allocation_application_plan_id_allocation_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."allocation_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_application" ADD CONSTRAINT "allocation_application_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_application" ADD CONSTRAINT "allocation_application_submitted_by_identity_user_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_application" ADD CONSTRAINT "allocation_application_examined_by_identity_user_id_fk" FOREIGN KEY ("examined_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_award" ADD CONSTRAINT "allocation_award_plan_id_allocation_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."allocation_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_award" ADD CONSTRAINT "allocation_award_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_batch_item" ADD CONSTRAINT "allocation_batch_item_batch_id_allocation_batch_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."allocation_batch"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_batch_item" ADD CONSTRAINT "allocation_batch_item_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_batch" ADD CONSTRAINT "allocation_batch_plan_id_allocation_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."allocation_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_batch" ADD CONSTRAINT "allocation_batch_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_batch" ADD CONSTRAINT "allocation_batch_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_batch" ADD CONSTRAINT "allocation_batch_confirmed_by_identity_user_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_plan_version" ADD CONSTRAINT "allocation_plan_version_plan_id_allocation_plan_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."allocation_plan"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_plan_version" ADD CONSTRAINT "allocation_plan_version_published_by_identity_user_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_plan" ADD CONSTRAINT "allocation_plan_academic_year_id_institutions_academic_year_id_fk" FOREIGN KEY ("academic_year_id") REFERENCES "public"."institutions_academic_year"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "allocation_plan" ADD CONSTRAINT "allocation_plan_approved_by_identity_user_id_fk" FOREIGN KEY ("approved_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "allocation_application_school_idx" ON "allocation_application" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "allocation_award_school_idx" ON "allocation_award" USING btree ("institution_id");--> statement-breakpoint
CREATE INDEX "allocation_batch_school_idx" ON "allocation_batch" USING btree ("plan_id","institution_id");--> statement-breakpoint
CREATE INDEX "allocation_plan_year_idx" ON "allocation_plan" USING btree ("academic_year_id");--> statement-breakpoint
-- A plan's ranking is kept until a plan, an application or an award changes (src/server/revision.ts).
CREATE CONSTRAINT TRIGGER allocation_plan_revision AFTER INSERT OR UPDATE OR DELETE ON allocation_plan
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('allocation');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER allocation_plan_version_revision AFTER INSERT OR UPDATE OR DELETE ON allocation_plan_version
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('allocation');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER allocation_application_revision AFTER INSERT OR UPDATE OR DELETE ON allocation_application
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('allocation');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER allocation_award_revision AFTER INSERT OR UPDATE OR DELETE ON allocation_award
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('allocation');
