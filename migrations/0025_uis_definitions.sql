ALTER TABLE "infrastructure_school_year" ADD COLUMN "pupils_internet" boolean;--> statement-breakpoint
ALTER TABLE "institutions_level" ADD COLUMN "isced" smallint;