CREATE TABLE "safety_log_batch" (
	"node_id" integer NOT NULL,
	"batch_id" text NOT NULL,
	"queries" bigint DEFAULT 0 NOT NULL,
	"blocked" bigint DEFAULT 0 NOT NULL,
	"unattributed" bigint DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "safety_log_batch_node_id_batch_id_pk" PRIMARY KEY("node_id","batch_id")
);
--> statement-breakpoint
ALTER TABLE "safety_log_batch" ADD CONSTRAINT "safety_log_batch_node_id_safety_node_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."safety_node"("id") ON DELETE cascade ON UPDATE no action;