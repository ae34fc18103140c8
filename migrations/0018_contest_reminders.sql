ALTER TABLE "contests_contest" ADD COLUMN "reminded_through" integer;--> statement-breakpoint
ALTER TABLE "contests_contest" ADD COLUMN "reminded_at" timestamp with time zone;
