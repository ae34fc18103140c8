CREATE TABLE "safety_blocked_area_day" (
	"area_id" integer NOT NULL,
	"day" date NOT NULL,
	"category_code" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_blocked_area_day_area_id_day_category_code_pk" PRIMARY KEY("area_id","day","category_code")
);
--> statement-breakpoint
CREATE TABLE "safety_blocked_day" (
	"institution_id" integer NOT NULL,
	"day" date NOT NULL,
	"category_code" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_blocked_day_institution_id_day_category_code_pk" PRIMARY KEY("institution_id","day","category_code")
);
--> statement-breakpoint
CREATE TABLE "safety_query_area_day" (
	"area_id" integer NOT NULL,
	"day" date NOT NULL,
	"queries" bigint DEFAULT 0 NOT NULL,
	"blocked" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_query_area_day_area_id_day_pk" PRIMARY KEY("area_id","day")
);
--> statement-breakpoint
CREATE TABLE "safety_query_day" (
	"institution_id" integer NOT NULL,
	"day" date NOT NULL,
	"network_kind" text NOT NULL,
	"queries" bigint DEFAULT 0 NOT NULL,
	"blocked" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_query_day_institution_id_day_network_kind_pk" PRIMARY KEY("institution_id","day","network_kind")
);
--> statement-breakpoint
ALTER TABLE "safety_blocked_area_day" ADD CONSTRAINT "safety_blocked_area_day_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_blocked_day" ADD CONSTRAINT "safety_blocked_day_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_query_area_day" ADD CONSTRAINT "safety_query_area_day_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_query_day" ADD CONSTRAINT "safety_query_day_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "safety_blocked_area_day_day" ON "safety_blocked_area_day" USING btree ("day");--> statement-breakpoint
CREATE INDEX "safety_blocked_day_day" ON "safety_blocked_day" USING btree ("day");--> statement-breakpoint
CREATE INDEX "safety_query_area_day_day" ON "safety_query_area_day" USING btree ("day");--> statement-breakpoint
CREATE INDEX "safety_query_day_day" ON "safety_query_day" USING btree ("day");--> statement-breakpoint
CREATE INDEX "safety_log_batch_received" ON "safety_log_batch" USING btree ("received_at");