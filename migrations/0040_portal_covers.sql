ALTER TABLE "portal_article" ADD COLUMN "cover" jsonb;--> statement-breakpoint
ALTER TABLE "portal_article" ADD COLUMN "storage_key" text;