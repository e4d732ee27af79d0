-- Facts contributed by many users; promoted once three distinct users have contributed one.
CREATE TABLE collective_memories (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    content_hash TEXT NOT NULL UNIQUE,
    content      TEXT NOT NULL,
    category     TEXT,
    source_count INTEGER NOT NULL DEFAULT 1,
    is_promoted  BOOLEAN NOT NULL DEFAULT false,
    promoted_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE collective_contributions (
    memory_id      UUID NOT NULL REFERENCES collective_memories (id) ON DELETE CASCADE,
    user_id        TEXT NOT NULL,
    contributed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (memory_id, user_id)
);
