-- Data revisions for two more groups (src/server/revision.ts): `staff` — who holds which role where (the
-- teachers a school counts); `training` — teachers' competence levels as each school counts them, and the
-- year's targets. The training needs report keeps its counts under them: a change shows in the next answer.
CREATE CONSTRAINT TRIGGER identity_role_grant_revision AFTER INSERT OR UPDATE OR DELETE ON identity_role_grant
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('staff');
--> statement-breakpoint
CREATE TRIGGER identity_role_grant_revision_truncate AFTER TRUNCATE ON identity_role_grant
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('staff');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER training_school_level_revision AFTER INSERT OR UPDATE OR DELETE ON training_school_level
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('training');
--> statement-breakpoint
CREATE TRIGGER training_school_level_revision_truncate AFTER TRUNCATE ON training_school_level
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('training');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER training_target_revision AFTER INSERT OR UPDATE OR DELETE ON training_target
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('training');
--> statement-breakpoint
CREATE TRIGGER training_target_revision_truncate AFTER TRUNCATE ON training_target
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('training');
