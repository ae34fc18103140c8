ALTER TABLE "library_resource" ADD COLUMN "changed_by" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
-- Resources not published now: who changed them since their last publication, from the audit log (edits of
-- the resource, uploads of its files), with their author and submitter as the old rule had them.
UPDATE "library_resource" r SET "changed_by" = coalesce((
  SELECT array_agg(DISTINCT who) FROM (
    SELECT r."created_by" AS who WHERE r."published_at" IS NULL
    UNION SELECT r."submitted_by"
    UNION SELECT a."actor_id" FROM "identity_audit" a
      WHERE a."entity" = 'library_resource' AND a."entity_id" = r."id"::text AND a."action" = 'update'
        AND (r."published_at" IS NULL OR a."at" > r."published_at")
    UNION SELECT a."actor_id" FROM "identity_audit" a
      WHERE a."entity" = 'library_file' AND a."action" = 'upload'
        AND (a."after"->>'resourceId')::int = r."id"
        AND (r."published_at" IS NULL OR a."at" > r."published_at")
  ) w WHERE who IS NOT NULL), '{}')
WHERE r."state" <> 'published';
