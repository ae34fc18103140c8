-- A device's history is append-only: an event, once written, is never changed or removed.
CREATE FUNCTION infrastructure_device_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'infrastructure_device_event is append-only' USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER infrastructure_device_event_append_only
  BEFORE UPDATE OR DELETE ON infrastructure_device_event
  FOR EACH ROW EXECUTE FUNCTION infrastructure_device_event_append_only();
