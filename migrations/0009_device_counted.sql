ALTER TABLE "infrastructure_device_count" ADD COLUMN "untracked" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "infrastructure_device_count" ADD COLUMN "untracked_working" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "infrastructure_device_count" ADD CONSTRAINT "infrastructure_device_count_untracked" CHECK (0 <= "infrastructure_device_count"."untracked_working" and "infrastructure_device_count"."untracked_working" <= "infrastructure_device_count"."untracked" and "infrastructure_device_count"."untracked" <= "infrastructure_device_count"."total");
--> statement-breakpoint
-- Until now a reported count was all counted devices; an inventory count, all items.
UPDATE "infrastructure_device_count" SET "untracked" = "total", "untracked_working" = "working" WHERE "source" = 'reported';
