-- Data revisions: a counter per group of tables, bumped once by every transaction that changes one of them,
-- in the same commit. A reader that caches what it computed from those tables keys the cache by the
-- revision it read first: a change becomes visible together with its new revision, so no node keeps
-- serving an answer older than the data (src/server/revision.ts).
CREATE TABLE maktab_data_revision (
  name text PRIMARY KEY,
  revision bigint NOT NULL
);
--> statement-breakpoint
-- Deferred to commit, so the row is locked only for the instant of the commit, not for the writer's whole
-- transaction (an import runs for seconds); once per transaction and group, however many rows it changed.
CREATE FUNCTION maktab_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('maktab.revision_bumped_' || TG_ARGV[0], true) IS DISTINCT FROM 'yes' THEN
    INSERT INTO maktab_data_revision (name, revision) VALUES (TG_ARGV[0], 1)
      ON CONFLICT (name) DO UPDATE SET revision = maktab_data_revision.revision + 1;
    PERFORM set_config('maktab.revision_bumped_' || TG_ARGV[0], 'yes', true);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_school_year_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_school_year
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_school_year_revision_truncate AFTER TRUNCATE ON infrastructure_school_year
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_student_count_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_student_count
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_student_count_revision_truncate AFTER TRUNCATE ON infrastructure_student_count
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_internet_link_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_internet_link
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_internet_link_revision_truncate AFTER TRUNCATE ON infrastructure_internet_link
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_device_count_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_device_count
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_device_count_revision_truncate AFTER TRUNCATE ON infrastructure_device_count
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_participation_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_participation
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_participation_revision_truncate AFTER TRUNCATE ON infrastructure_participation
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_device_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_device
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_device_revision_truncate AFTER TRUNCATE ON infrastructure_device
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_device_event_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_device_event
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_device_event_revision_truncate AFTER TRUNCATE ON infrastructure_device_event
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_measurement_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_measurement
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_measurement_revision_truncate AFTER TRUNCATE ON infrastructure_measurement
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_project_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_project
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_project_revision_truncate AFTER TRUNCATE ON infrastructure_project
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER infrastructure_setting_revision AFTER INSERT OR UPDATE OR DELETE ON infrastructure_setting
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER infrastructure_setting_revision_truncate AFTER TRUNCATE ON infrastructure_setting
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER institutions_institution_revision AFTER INSERT OR UPDATE OR DELETE ON institutions_institution
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER institutions_institution_revision_truncate AFTER TRUNCATE ON institutions_institution
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER institutions_area_revision AFTER INSERT OR UPDATE OR DELETE ON institutions_area
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER institutions_area_revision_truncate AFTER TRUNCATE ON institutions_area
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER institutions_academic_year_revision AFTER INSERT OR UPDATE OR DELETE ON institutions_academic_year
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER institutions_academic_year_revision_truncate AFTER TRUNCATE ON institutions_academic_year
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER institutions_level_revision AFTER INSERT OR UPDATE OR DELETE ON institutions_level
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION maktab_bump_revision('registry');
--> statement-breakpoint
CREATE TRIGGER institutions_level_revision_truncate AFTER TRUNCATE ON institutions_level
  FOR EACH STATEMENT EXECUTE FUNCTION maktab_bump_revision('registry');
