-- Per-user facts, deduplicated by a hash of their normalized content, and the user's counters.
CREATE TABLE memory_facts (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      TEXT NOT NULL,
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    category     TEXT,
    confidence   DOUBLE PRECISION,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    UNIQUE (user_id, content_hash)
);
CREATE INDEX memory_facts_newest_first ON memory_facts (user_id, created_at DESC, id DESC);

CREATE TABLE memory_profiles (
    user_id      TEXT PRIMARY KEY,
    facts_count  INTEGER NOT NULL,
    last_updated TIMESTAMPTZ NOT NULL
);
