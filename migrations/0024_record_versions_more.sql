ALTER TABLE "allocation_application" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "allocation_plan" ADD COLUMN "edit_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "assignments_assignment" ADD COLUMN "groups_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "contests_question" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "infrastructure_project" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "infrastructure_setting" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "library_collection" ADD COLUMN "items_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webinars_webinar" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;