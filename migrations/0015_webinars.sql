CREATE TABLE "webinars_registration" (
	"webinar_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"institution_id" integer NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attended" boolean DEFAULT false NOT NULL,
	CONSTRAINT "webinars_registration_webinar_id_user_id_pk" PRIMARY KEY("webinar_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "webinars_webinar" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"area_id" integer,
	"starts_at" timestamp with time zone NOT NULL,
	"duration_minutes" smallint NOT NULL,
	"url" text NOT NULL,
	"capacity" integer,
	"cancelled" boolean DEFAULT false NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webinars_webinar_duration" CHECK ("webinars_webinar"."duration_minutes" between 5 and 600)
);
--> statement-breakpoint
ALTER TABLE "webinars_registration" ADD CONSTRAINT "webinars_registration_webinar_id_webinars_webinar_id_fk" FOREIGN KEY ("webinar_id") REFERENCES "public"."webinars_webinar"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "webinars_registration" ADD CONSTRAINT "webinars_registration_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "webinars_registration" ADD CONSTRAINT "webinars_registration_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "webinars_webinar" ADD CONSTRAINT "webinars_webinar_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "webinars_webinar" ADD CONSTRAINT "webinars_webinar_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
CREATE INDEX "webinars_registration_user_idx" ON "webinars_registration" USING btree ("user_id");
--> statement-breakpoint
CREATE INDEX "webinars_webinar_starts_idx" ON "webinars_webinar" USING btree ("starts_at");
