CREATE TABLE "library_collection_item" (
	"collection_id" integer NOT NULL,
	"resource_id" integer NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "library_collection_item_collection_id_resource_id_pk" PRIMARY KEY("collection_id","resource_id")
);
--> statement-breakpoint
CREATE TABLE "library_collection" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "library_collection_kind_check" CHECK (kind in ('collection', 'playlist'))
);
--> statement-breakpoint
CREATE TABLE "library_file" (
	"id" serial PRIMARY KEY NOT NULL,
	"resource_id" integer NOT NULL,
	"role" text NOT NULL,
	"version" integer NOT NULL,
	"source_file_id" integer,
	"variant" text,
	"storage_key" text NOT NULL,
	"content_type" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text,
	"original_name" text,
	"processing_state" text DEFAULT 'not_needed' NOT NULL,
	"processing_error" text,
	"duration_seconds" integer,
	"width" integer,
	"height" integer,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "library_file_version_key" UNIQUE NULLS NOT DISTINCT("resource_id","role","version","variant"),
	CONSTRAINT "library_file_role_check" CHECK (role in ('main', 'caption', 'transcript', 'attachment', 'rendition', 'audio', 'hls', 'thumbnail')),
	CONSTRAINT "library_file_processing_check" CHECK (processing_state in ('not_needed', 'pending', 'done', 'failed', 'unavailable')),
	CONSTRAINT "library_file_size_check" CHECK (size_bytes >= 0)
);
--> statement-breakpoint
CREATE TABLE "library_resource_event" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"resource_id" integer NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"actor_id" integer,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "library_resource_topic" (
	"resource_id" integer NOT NULL,
	"topic_id" integer NOT NULL,
	CONSTRAINT "library_resource_topic_resource_id_topic_id_pk" PRIMARY KEY("resource_id","topic_id")
);
--> statement-breakpoint
CREATE TABLE "library_resource" (
	"id" serial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"language" text NOT NULL,
	"level" text NOT NULL,
	"grades" smallint[] DEFAULT '{}' NOT NULL,
	"subject_code" text,
	"authors" text[] DEFAULT '{}' NOT NULL,
	"publisher" text,
	"channel" text,
	"air_date" date,
	"duration_seconds" integer,
	"pages" integer,
	"licence" text NOT NULL,
	"accessibility" text[] DEFAULT '{}' NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_by" integer,
	"submitted_at" timestamp with time zone,
	"reviewed_by" integer,
	"reviewed_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	CONSTRAINT "library_resource_type_check" CHECK (type in ('video_lesson', 'tv_lesson', 'audio_lesson', 'e_textbook', 'teacher_guide', 'steam_project', 'extracurricular_reading', 'worksheet', 'other')),
	CONSTRAINT "library_resource_state_check" CHECK (state in ('draft', 'in_review', 'published', 'unpublished')),
	CONSTRAINT "library_resource_language_check" CHECK (language in ('az', 'ru', 'en')),
	CONSTRAINT "library_resource_level_check" CHECK (level in ('general', 'vocational', 'higher')),
	CONSTRAINT "library_resource_licence_check" CHECK (licence in ('cc_by', 'cc_by_sa', 'cc_by_nd', 'cc_by_nc', 'cc_by_nc_sa', 'cc_by_nc_nd', 'cc0', 'public_domain', 'all_rights_reserved')),
	CONSTRAINT "library_resource_tv_check" CHECK (type <> 'tv_lesson' or (channel is not null and air_date is not null)),
	CONSTRAINT "library_resource_duration_check" CHECK (duration_seconds is null or duration_seconds >= 0),
	CONSTRAINT "library_resource_pages_check" CHECK (pages is null or pages > 0)
);
--> statement-breakpoint
CREATE TABLE "library_topic" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"parent_id" integer,
	"subject_code" text NOT NULL,
	"grades" smallint[] NOT NULL,
	"position" integer NOT NULL,
	"name_az" text NOT NULL,
	"name_ru" text NOT NULL,
	"name_en" text NOT NULL,
	CONSTRAINT "library_topic_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "library_collection_item" ADD CONSTRAINT "library_collection_item_collection_id_library_collection_id_fk" FOREIGN KEY ("collection_id") REFERENCES "public"."library_collection"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_collection_item" ADD CONSTRAINT "library_collection_item_resource_id_library_resource_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."library_resource"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_collection" ADD CONSTRAINT "library_collection_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_file" ADD CONSTRAINT "library_file_resource_id_library_resource_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."library_resource"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_file" ADD CONSTRAINT "library_file_source_file_id_library_file_id_fk" FOREIGN KEY ("source_file_id") REFERENCES "public"."library_file"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_file" ADD CONSTRAINT "library_file_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource_event" ADD CONSTRAINT "library_resource_event_resource_id_library_resource_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."library_resource"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource_event" ADD CONSTRAINT "library_resource_event_actor_id_identity_user_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource_topic" ADD CONSTRAINT "library_resource_topic_resource_id_library_resource_id_fk" FOREIGN KEY ("resource_id") REFERENCES "public"."library_resource"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource_topic" ADD CONSTRAINT "library_resource_topic_topic_id_library_topic_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."library_topic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource" ADD CONSTRAINT "library_resource_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource" ADD CONSTRAINT "library_resource_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource" ADD CONSTRAINT "library_resource_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource" ADD CONSTRAINT "library_resource_submitted_by_identity_user_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_resource" ADD CONSTRAINT "library_resource_reviewed_by_identity_user_id_fk" FOREIGN KEY ("reviewed_by") REFERENCES "public"."identity_user"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_topic" ADD CONSTRAINT "library_topic_parent_id_library_topic_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."library_topic"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "library_topic" ADD CONSTRAINT "library_topic_subject_code_institutions_subject_code_fk" FOREIGN KEY ("subject_code") REFERENCES "public"."institutions_subject"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "library_collection_item_resource_idx" ON "library_collection_item" USING btree ("resource_id");--> statement-breakpoint
CREATE INDEX "library_file_source_idx" ON "library_file" USING btree ("source_file_id");--> statement-breakpoint
CREATE INDEX "library_resource_event_resource_idx" ON "library_resource_event" USING btree ("resource_id","at");--> statement-breakpoint
CREATE INDEX "library_resource_topic_idx" ON "library_resource_topic" USING btree ("topic_id");--> statement-breakpoint
CREATE INDEX "library_resource_state_idx" ON "library_resource" USING btree ("state","updated_at");--> statement-breakpoint
CREATE INDEX "library_topic_subject_idx" ON "library_topic" USING btree ("subject_code");