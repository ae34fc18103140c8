CREATE TABLE "portal_board" (
	"id" serial PRIMARY KEY NOT NULL,
	"audience" text NOT NULL,
	"place_key" text NOT NULL,
	"place_kind" text NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	"place_path" integer[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_board_place" UNIQUE("audience","place_key")
);
--> statement-breakpoint
CREATE TABLE "portal_flag" (
	"post_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_flag_post_id_user_id_pk" PRIMARY KEY("post_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "portal_post" (
	"id" serial PRIMARY KEY NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"thread_id" integer NOT NULL,
	"board_id" integer NOT NULL,
	"opening" boolean DEFAULT false NOT NULL,
	"author_id" integer,
	"author_pupil" boolean DEFAULT false NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"review" boolean DEFAULT false NOT NULL,
	"reasons" text[] NOT NULL,
	"flag_count" integer DEFAULT 0 NOT NULL,
	"place_kind" text NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_reaction" (
	"post_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "portal_reaction_post_id_user_id_kind_pk" PRIMARY KEY("post_id","user_id","kind")
);
--> statement-breakpoint
CREATE TABLE "portal_thread" (
	"id" serial PRIMARY KEY NOT NULL,
	"board_id" integer NOT NULL,
	"author_id" integer,
	"title" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_post_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_watched_word" (
	"id" serial PRIMARY KEY NOT NULL,
	"word" text NOT NULL,
	"folded" text NOT NULL,
	"action" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_watched_word_folded_unique" UNIQUE("folded")
);
--> statement-breakpoint
ALTER TABLE "portal_flag" ADD CONSTRAINT "portal_flag_post_id_portal_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."portal_post"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_flag" ADD CONSTRAINT "portal_flag_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_post" ADD CONSTRAINT "portal_post_thread_id_portal_thread_id_fk" FOREIGN KEY ("thread_id") REFERENCES "public"."portal_thread"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_post" ADD CONSTRAINT "portal_post_author_id_identity_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_reaction" ADD CONSTRAINT "portal_reaction_post_id_portal_post_id_fk" FOREIGN KEY ("post_id") REFERENCES "public"."portal_post"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_reaction" ADD CONSTRAINT "portal_reaction_user_id_identity_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."identity_user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_thread" ADD CONSTRAINT "portal_thread_board_id_portal_board_id_fk" FOREIGN KEY ("board_id") REFERENCES "public"."portal_board"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_thread" ADD CONSTRAINT "portal_thread_author_id_identity_user_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_watched_word" ADD CONSTRAINT "portal_watched_word_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "portal_post_thread_idx" ON "portal_post" USING btree ("thread_id","id");--> statement-breakpoint
CREATE INDEX "portal_post_author_idx" ON "portal_post" USING btree ("author_id","status");--> statement-breakpoint
CREATE INDEX "portal_post_queue_area_idx" ON "portal_post" USING btree ("review","area_id","queued_at","id");--> statement-breakpoint
CREATE INDEX "portal_post_queue_school_idx" ON "portal_post" USING btree ("review","institution_id","queued_at","id");--> statement-breakpoint
CREATE INDEX "portal_post_queue_idx" ON "portal_post" USING btree ("review","queued_at","id");--> statement-breakpoint
CREATE INDEX "portal_thread_board_idx" ON "portal_thread" USING btree ("board_id","last_post_at" DESC NULLS LAST,"id");