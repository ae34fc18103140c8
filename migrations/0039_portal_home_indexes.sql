CREATE INDEX "portal_article_kind_publish_idx" ON "portal_article" USING btree ("place_kind","publish_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);
--> statement-breakpoint
CREATE INDEX "portal_article_area_publish_idx" ON "portal_article" USING btree ("area_id","publish_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);
--> statement-breakpoint
-- The portal's home is kept while its news and events are unchanged (src/server/revision.ts).
CREATE CONSTRAINT TRIGGER portal_article_revision AFTER INSERT OR UPDATE OR DELETE ON portal_article
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('portal');
--> statement-breakpoint
CREATE TRIGGER portal_article_revision_truncate AFTER TRUNCATE ON portal_article
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('portal');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER portal_event_revision AFTER INSERT OR UPDATE OR DELETE ON portal_event
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('portal');
--> statement-breakpoint
CREATE TRIGGER portal_event_revision_truncate AFTER TRUNCATE ON portal_event
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('portal');
