-- Fencing tokens of the distributed lock tier: a guarded write commits only when its token is
-- newer than the last one recorded for the resource it writes.
CREATE TABLE lock_fences (
    resource   TEXT PRIMARY KEY,
    last_token BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
