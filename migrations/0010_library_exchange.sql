CREATE TABLE "library_resource_count" (
	"resource_id" integer PRIMARY KEY NOT NULL,
	"views" integer DEFAULT 0 NOT NULL,
	"completions" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "library_resource_count_check" CHECK (views >= 0 and completions >= 0)
);
--> statement-breakpoint
ALTER TABLE "library_resource_count" ADD CONSTRAINT "library_resource_count_resource_id_library_resource_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."library_resource"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "library_resource_changed_idx" ON "library_resource" USING btree ("updated_at","id");
