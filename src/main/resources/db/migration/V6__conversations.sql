-- Saved conversations. The id is the idempotency key of the write: a retried or replayed save, or
-- the outbox reconciler delivering it again, inserts nothing the second time.
CREATE TABLE conversations (
    id             UUID PRIMARY KEY,
    user_id        TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    -- SHA-256 of the request as the client sent it: a replayed Idempotency-Key must carry the same one.
    request_hash   TEXT NOT NULL,
    messages_count INTEGER NOT NULL,
    metadata       JSONB,
    -- When the service accepted the save (not when it reached this table, which may be later).
    accepted_at    TIMESTAMPTZ NOT NULL,
    stored_at      TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX conversations_by_session ON conversations (user_id, session_id);

CREATE TABLE conversation_messages (
    conversation_id UUID NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    user_id         TEXT NOT NULL,
    session_id      TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content         TEXT NOT NULL,
    accepted_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (conversation_id, position)
);
CREATE INDEX conversation_messages_newest_first
    ON conversation_messages (user_id, session_id, accepted_at DESC, conversation_id DESC, position DESC);
