ALTER TABLE "portal_course" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_course" ADD COLUMN "edited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_course_lesson" ADD COLUMN "version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "portal_course_lesson" ADD COLUMN "retired" boolean DEFAULT false NOT NULL;