package io.zantara.collection;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/** SQL of the collection feature. Ingestion takes the caller's transaction. */
@ApplicationScoped
public class CollectionRepository {

    /** A document ready to store. */
    record NewDocument(String id, String content, String hash, JsonObject metadata) {
    }

    /** Inserts new ids, updates changed ones, leaves identical ones alone (no row counted). */
    private static final String UPSERT = """
            INSERT INTO collection_documents (collection, id, content, content_hash, metadata)
            SELECT $1, d.id, d.content, d.hash, d.metadata::jsonb
            FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS d(id, content, hash, metadata)
            ON CONFLICT (collection, id) DO UPDATE
                SET content = EXCLUDED.content, content_hash = EXCLUDED.content_hash,
                    metadata = EXCLUDED.metadata, updated_at = now()
                WHERE collection_documents.content_hash <> EXCLUDED.content_hash
                   OR collection_documents.metadata <> EXCLUDED.metadata""";

    private static final String SEARCH = """
            SELECT id, metadata, ts_rank(search, query) AS score,
                   ts_headline('simple', content, query, 'MaxWords=30, MinWords=10') AS snippet
            FROM collection_documents, plainto_tsquery('simple', $2) AS query
            WHERE collection = $1 AND search @@ query
            ORDER BY score DESC, id
            LIMIT $3""";

    private final Pool pool;

    public CollectionRepository(Pool pool) {
        this.pool = pool;
    }

    /** @return how many documents were inserted or changed */
    Uni<Integer> upsert(SqlClient tx, String collection, List<NewDocument> documents) {
        int n = documents.size();
        String[] ids = new String[n];
        String[] contents = new String[n];
        String[] hashes = new String[n];
        String[] metadata = new String[n];
        for (int i = 0; i < n; i++) {
            NewDocument doc = documents.get(i);
            ids[i] = doc.id();
            contents[i] = doc.content();
            hashes[i] = doc.hash();
            metadata[i] = doc.metadata().encode();
        }
        return tx.preparedQuery(UPSERT).execute(Tuple.of(collection, ids, contents, hashes, metadata))
                .map(rows -> rows.rowCount());
    }

    Uni<List<CollectionRecords.SearchResult>> search(String collection, String query, int limit) {
        return pool.preparedQuery(SEARCH).execute(Tuple.of(collection, query, limit)).map(rows -> {
            List<CollectionRecords.SearchResult> results = new ArrayList<>();
            for (Row row : rows) {
                JsonObject metadata = row.getJsonObject("metadata");
                results.add(new CollectionRecords.SearchResult(row.getString("id"), row.getDouble("score"),
                        row.getString("snippet"), metadata == null ? java.util.Map.of() : metadata.getMap()));
            }
            return results;
        });
    }
}
