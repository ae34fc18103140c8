CREATE TABLE "portal_post_revision" (
	"id" serial PRIMARY KEY NOT NULL,
	"post_id" integer NOT NULL,
	"version" integer NOT NULL,
	"title" text,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"edited_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "portal_post" ADD COLUMN "edited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_post_revision" ADD CONSTRAINT "portal_post_revision_post_id_portal_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."portal_post"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_post_revision" ADD CONSTRAINT "portal_post_revision_edited_by_identity_user_id_fk" FOREIGN KEY ("edited_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portal_post_revision_post_idx" ON "portal_post_revision" USING btree ("post_id","id");