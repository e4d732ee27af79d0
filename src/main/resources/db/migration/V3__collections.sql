-- Documents per collection, upserted by id, with a full-text index kept by PostgreSQL itself.
CREATE TABLE collection_documents (
    collection   TEXT NOT NULL,
    id           TEXT NOT NULL,
    content      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    metadata     JSONB NOT NULL DEFAULT '{}'::jsonb,
    search       TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (collection, id)
);
CREATE INDEX collection_documents_search ON collection_documents USING GIN (search);
