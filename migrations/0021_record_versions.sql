ALTER TABLE "classroom_lesson" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "councils_meeting" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "infrastructure_school_year" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;