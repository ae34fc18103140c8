-- The background job queue (src/server/jobs.ts): a table that workers claim rows from with
-- FOR UPDATE SKIP LOCKED, so several workers (and app nodes) never take the same job. A running job whose
-- worker died is taken again once its lock expires.
CREATE TABLE maktab_job (
  id bigserial PRIMARY KEY,
  queue text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX maktab_job_ready_idx ON maktab_job (run_at, id) WHERE state IN ('queued', 'running');
