CREATE TABLE "policy_document" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" jsonb NOT NULL,
	"issuer" jsonb NOT NULL,
	"number" text DEFAULT '' NOT NULL,
	"adopted_on" date NOT NULL,
	"amended_on" date,
	"period_start" date,
	"period_end" date,
	"status" text NOT NULL,
	"summary" jsonb NOT NULL,
	"url" text DEFAULT '' NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"peer" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "policy_document_period" CHECK ("policy_document"."period_end" is null or "policy_document"."period_start" is null or "policy_document"."period_end" >= "policy_document"."period_start")
);
--> statement-breakpoint
CREATE TABLE "policy_edition" (
	"id" serial PRIMARY KEY NOT NULL,
	"number" integer NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_by" integer,
	"note" jsonb NOT NULL,
	"content" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_partnership" (
	"id" serial PRIMARY KEY NOT NULL,
	"partner" text NOT NULL,
	"contribution" jsonb NOT NULL,
	"quantity" integer,
	"started_on" date NOT NULL,
	"ended_on" date,
	"document_id" integer,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_section_text" (
	"section" text PRIMARY KEY NOT NULL,
	"body" jsonb NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "policy_target" (
	"id" serial PRIMARY KEY NOT NULL,
	"document_id" integer NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"description" jsonb NOT NULL,
	"indicator" text NOT NULL,
	"baseline" numeric(14, 2) DEFAULT '0' NOT NULL,
	"target" numeric(14, 2) NOT NULL,
	"due_on" date,
	"version" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "policy_document" ADD CONSTRAINT "policy_document_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_edition" ADD CONSTRAINT "policy_edition_published_by_identity_user_id_fk" FOREIGN KEY ("published_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_partnership" ADD CONSTRAINT "policy_partnership_document_id_policy_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."policy_document"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_partnership" ADD CONSTRAINT "policy_partnership_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_section_text" ADD CONSTRAINT "policy_section_text_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "policy_target" ADD CONSTRAINT "policy_target_document_id_policy_document_id_fk" FOREIGN KEY ("document_id") REFERENCES "public"."policy_document"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "policy_document_adopted_idx" ON "policy_document" USING btree ("adopted_on");--> statement-breakpoint
CREATE UNIQUE INDEX "policy_edition_number_idx" ON "policy_edition" USING btree ("number");--> statement-breakpoint
CREATE INDEX "policy_partnership_started_idx" ON "policy_partnership" USING btree ("started_on");--> statement-breakpoint
CREATE INDEX "policy_target_document_idx" ON "policy_target" USING btree ("document_id","position");