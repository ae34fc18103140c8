CREATE TABLE "identity_login_known" (
	"username" text NOT NULL,
	"source" text NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "identity_login_known_username_source_pk" PRIMARY KEY("username","source")
);
--> statement-breakpoint
ALTER TABLE "identity_login_throttle" ADD COLUMN "blocked_until" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "identity_login_known_last_idx" ON "identity_login_known" USING btree ("last_at");