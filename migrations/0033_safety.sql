CREATE TABLE "safety_assignment" (
	"id" serial PRIMARY KEY NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	"network_kind" text NOT NULL,
	"window" text NOT NULL,
	"policy_id" integer NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_assignment_kind" CHECK ("safety_assignment"."network_kind" in ('pupils', 'staff', 'guests')),
	CONSTRAINT "safety_assignment_window" CHECK ("safety_assignment"."window" in ('lessons', 'after_school', 'always'))
);
--> statement-breakpoint
CREATE TABLE "safety_blocked_domain_day" (
	"institution_id" integer NOT NULL,
	"day" date NOT NULL,
	"domain" text NOT NULL,
	"category_code" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_blocked_domain_day_institution_id_day_domain_pk" PRIMARY KEY("institution_id","day","domain")
);
--> statement-breakpoint
CREATE TABLE "safety_blocked_hour" (
	"institution_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"category_code" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_blocked_hour_institution_id_hour_category_code_pk" PRIMARY KEY("institution_id","hour","category_code")
);
--> statement-breakpoint
CREATE TABLE "safety_category" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	"origin" text DEFAULT 'pack' NOT NULL,
	"sort" smallint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_category_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "safety_exam" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" jsonb NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"allow_list_id" integer NOT NULL,
	"institution_ids" integer[] NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_exam_period" CHECK ("safety_exam"."ends_at" > "safety_exam"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "safety_keyword_hit" (
	"keyword_id" integer NOT NULL,
	"domain" text NOT NULL,
	"found_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_keyword_hit_keyword_id_domain_pk" PRIMARY KEY("keyword_id","domain")
);
--> statement-breakpoint
CREATE TABLE "safety_keyword" (
	"id" serial PRIMARY KEY NOT NULL,
	"category_id" integer NOT NULL,
	"keyword" text NOT NULL,
	"language" text NOT NULL,
	"folded" text NOT NULL,
	"created_by" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "safety_list_domain" (
	"list_id" integer NOT NULL,
	"domain" text NOT NULL,
	CONSTRAINT "safety_list_domain_list_id_domain_pk" PRIMARY KEY("list_id","domain")
);
--> statement-breakpoint
CREATE TABLE "safety_list" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"category_id" integer,
	"name" jsonb NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"source_url" text DEFAULT '' NOT NULL,
	"domain_count" integer DEFAULT 0 NOT NULL,
	"serial" bigint DEFAULT 1 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_list_kind" CHECK ("safety_list"."kind" in ('block', 'allow')),
	CONSTRAINT "safety_list_source" CHECK ("safety_list"."source" in ('manual', 'file', 'url'))
);
--> statement-breakpoint
CREATE TABLE "safety_network" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"kind" text NOT NULL,
	"cidr" "cidr" NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_network_kind" CHECK ("safety_network"."kind" in ('pupils', 'staff', 'guests'))
);
--> statement-breakpoint
CREATE TABLE "safety_node" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"last_seen_at" timestamp with time zone,
	"applied_serial" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_node_name_unique" UNIQUE("name"),
	CONSTRAINT "safety_node_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "safety_policy" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text,
	"name" jsonb NOT NULL,
	"area_id" integer,
	"parent_id" integer,
	"categories" text[] DEFAULT '{}'::text[] NOT NULL,
	"block_lists" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"allow_lists" integer[] DEFAULT '{}'::integer[] NOT NULL,
	"safe_search" jsonb NOT NULL,
	"bypass_protection" boolean DEFAULT true NOT NULL,
	"action" text DEFAULT 'blockpage' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_policy_action" CHECK ("safety_policy"."action" in ('blockpage', 'nxdomain'))
);
--> statement-breakpoint
CREATE TABLE "safety_query_hour" (
	"institution_id" integer NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"network_kind" text NOT NULL,
	"queries" bigint DEFAULT 0 NOT NULL,
	"blocked" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_query_hour_institution_id_hour_network_kind_pk" PRIMARY KEY("institution_id","hour","network_kind")
);
--> statement-breakpoint
CREATE TABLE "safety_setting" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"block_address_v4" text DEFAULT '127.0.0.1' NOT NULL,
	"block_address_v6" text DEFAULT '::1' NOT NULL,
	"log_retention_days" smallint DEFAULT 7 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_by" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_setting_one" CHECK ("safety_setting"."id" = 1),
	CONSTRAINT "safety_setting_retention" CHECK ("safety_setting"."log_retention_days" in (1, 7, 30, 90))
);
--> statement-breakpoint
CREATE TABLE "safety_unblock_request" (
	"id" serial PRIMARY KEY NOT NULL,
	"institution_id" integer NOT NULL,
	"domain" text NOT NULL,
	"category_code" text,
	"reason" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"requested_by" integer,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_by" integer,
	"decided_at" timestamp with time zone,
	"decision_note" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_unblock_status" CHECK ("safety_unblock_request"."status" in ('pending', 'approved', 'rejected', 'withdrawn')),
	CONSTRAINT "safety_unblock_period" CHECK ("safety_unblock_request"."ends_at" > "safety_unblock_request"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "safety_window" (
	"id" serial PRIMARY KEY NOT NULL,
	"area_id" integer,
	"institution_id" integer,
	"weekdays" smallint[] NOT NULL,
	"start_minute" smallint NOT NULL,
	"end_minute" smallint NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "safety_window_minutes" CHECK ("safety_window"."start_minute" between 0 and 1439 and "safety_window"."end_minute" between 0 and 1439 and "safety_window"."start_minute" <> "safety_window"."end_minute")
);
--> statement-breakpoint
ALTER TABLE "safety_assignment" ADD CONSTRAINT "safety_assignment_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_assignment" ADD CONSTRAINT "safety_assignment_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_assignment" ADD CONSTRAINT "safety_assignment_policy_id_safety_policy_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."safety_policy"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_assignment" ADD CONSTRAINT "safety_assignment_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_blocked_domain_day" ADD CONSTRAINT "safety_blocked_domain_day_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_blocked_hour" ADD CONSTRAINT "safety_blocked_hour_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_exam" ADD CONSTRAINT "safety_exam_allow_list_id_safety_list_id_fk" FOREIGN KEY ("allow_list_id") REFERENCES "public"."safety_list"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_exam" ADD CONSTRAINT "safety_exam_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_keyword_hit" ADD CONSTRAINT "safety_keyword_hit_keyword_id_safety_keyword_id_fk" FOREIGN KEY ("keyword_id") REFERENCES "public"."safety_keyword"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_keyword" ADD CONSTRAINT "safety_keyword_category_id_safety_category_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."safety_category"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_keyword" ADD CONSTRAINT "safety_keyword_created_by_identity_user_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_list_domain" ADD CONSTRAINT "safety_list_domain_list_id_safety_list_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."safety_list"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_list" ADD CONSTRAINT "safety_list_category_id_safety_category_id_fk" FOREIGN KEY ("category_id") REFERENCES "public"."safety_category"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_list" ADD CONSTRAINT "safety_list_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_network" ADD CONSTRAINT "safety_network_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_network" ADD CONSTRAINT "safety_network_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_policy" ADD CONSTRAINT "safety_policy_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_policy" ADD CONSTRAINT "safety_policy_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_query_hour" ADD CONSTRAINT "safety_query_hour_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_setting" ADD CONSTRAINT "safety_setting_updated_by_identity_user_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_unblock_request" ADD CONSTRAINT "safety_unblock_request_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_unblock_request" ADD CONSTRAINT "safety_unblock_request_requested_by_identity_user_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_unblock_request" ADD CONSTRAINT "safety_unblock_request_decided_by_identity_user_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."identity_user"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_window" ADD CONSTRAINT "safety_window_area_id_institutions_area_id_fk" FOREIGN KEY ("area_id") REFERENCES "public"."institutions_area"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "safety_window" ADD CONSTRAINT "safety_window_institution_id_institutions_institution_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions_institution"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "safety_assignment_unique" ON "safety_assignment" USING btree (coalesce("area_id", 0),coalesce("institution_id", 0),"network_kind","window");--> statement-breakpoint
CREATE INDEX "safety_blocked_hour_hour" ON "safety_blocked_hour" USING btree ("hour");--> statement-breakpoint
CREATE UNIQUE INDEX "safety_keyword_unique" ON "safety_keyword" USING btree ("category_id","folded");--> statement-breakpoint
CREATE INDEX "safety_list_category" ON "safety_list" USING btree ("category_id");--> statement-breakpoint
CREATE UNIQUE INDEX "safety_network_cidr" ON "safety_network" USING btree ("cidr");--> statement-breakpoint
CREATE INDEX "safety_network_institution" ON "safety_network" USING btree ("institution_id");--> statement-breakpoint
CREATE UNIQUE INDEX "safety_policy_code" ON "safety_policy" USING btree ("code");--> statement-breakpoint
CREATE INDEX "safety_policy_area" ON "safety_policy" USING btree ("area_id");--> statement-breakpoint
CREATE INDEX "safety_query_hour_hour" ON "safety_query_hour" USING btree ("hour");--> statement-breakpoint
CREATE INDEX "safety_unblock_institution" ON "safety_unblock_request" USING btree ("institution_id","status");
