CREATE TABLE "portal_article" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"place_kind" text NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	"place_path" integer[] NOT NULL,
	"title" jsonb NOT NULL,
	"summary" jsonb NOT NULL,
	"body" jsonb NOT NULL,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"publish_at" timestamp with time zone,
	"author_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_event" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"place_kind" text NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	"place_path" integer[] NOT NULL,
	"title" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"repeat" text,
	"repeat_count" smallint,
	"repeat_until" timestamp with time zone,
	"last_ends_at" timestamp with time zone NOT NULL,
	"venue" text DEFAULT '' NOT NULL,
	"online_url" text DEFAULT '' NOT NULL,
	"grades" smallint[] DEFAULT '{}'::smallint[] NOT NULL,
	"roles" text[] DEFAULT '{}'::text[] NOT NULL,
	"capacity" integer,
	"registered" integer DEFAULT 0 NOT NULL,
	"published" boolean DEFAULT true NOT NULL,
	"author_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_event_capacity" CHECK ("portal_event"."capacity" is null or "portal_event"."registered" <= "portal_event"."capacity"),
	CONSTRAINT "portal_event_ends" CHECK ("portal_event"."ends_at" >= "portal_event"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "portal_registration" (
	"event_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_registration_event_id_user_id_pk" PRIMARY KEY("event_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "portal_article" ADD CONSTRAINT "portal_article_author_id_identity_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_event" ADD CONSTRAINT "portal_event_author_id_identity_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registration" ADD CONSTRAINT "portal_registration_event_id_portal_event_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."portal_event"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_registration" ADD CONSTRAINT "portal_registration_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portal_article_publish_idx" ON "portal_article" USING btree ("publish_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "portal_article_path_idx" ON "portal_article" USING gin ("place_path");--> statement-breakpoint
CREATE INDEX "portal_article_place_idx" ON "portal_article" USING btree ("place_kind","area_id","institution_id","publish_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "portal_event_when_idx" ON "portal_event" USING btree ("last_ends_at","starts_at");--> statement-breakpoint
CREATE INDEX "portal_event_path_idx" ON "portal_event" USING gin ("place_path");--> statement-breakpoint
CREATE INDEX "portal_event_place_idx" ON "portal_event" USING btree ("place_kind","area_id","institution_id","last_ends_at");--> statement-breakpoint
CREATE INDEX "portal_registration_user_idx" ON "portal_registration" USING btree ("user_id");