package io.zantara.memory;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** SQL of the memory feature, on the reactive pool. Writes take the caller's transaction. */
@ApplicationScoped
public class MemoryRepository {

    /** A fact ready to store: content and its identity hash. */
    record NewFact(String content, String hash, String category, Double confidence) {
    }

    private static final String INSERT_FACTS = """
            INSERT INTO memory_facts (user_id, content, content_hash, category, confidence)
            SELECT $1, f.content, f.hash, f.category, f.confidence
            FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[]) WITH ORDINALITY
                 AS f(content, hash, category, confidence, position)
            ORDER BY f.position
            ON CONFLICT (user_id, content_hash) DO NOTHING""";

    private static final String REFRESH_PROFILE = """
            INSERT INTO memory_profiles (user_id, facts_count, last_updated)
            VALUES ($1, (SELECT count(*) FROM memory_facts WHERE user_id = $1), now())
            ON CONFLICT (user_id) DO UPDATE
                SET facts_count = EXCLUDED.facts_count, last_updated = EXCLUDED.last_updated
            RETURNING facts_count""";

    private final Pool pool;

    public MemoryRepository(Pool pool) {
        this.pool = pool;
    }

    /** @return how many of the facts were new for the user */
    Uni<Integer> insertFacts(SqlClient tx, String userId, List<NewFact> facts) {
        int n = facts.size();
        String[] contents = new String[n];
        String[] hashes = new String[n];
        String[] categories = new String[n];
        Double[] confidences = new Double[n];
        for (int i = 0; i < n; i++) {
            NewFact fact = facts.get(i);
            contents[i] = fact.content();
            hashes[i] = fact.hash();
            categories[i] = fact.category();
            confidences[i] = fact.confidence();
        }
        return tx.preparedQuery(INSERT_FACTS).execute(Tuple.of(userId, contents, hashes, categories, confidences))
                .map(rows -> rows.rowCount());
    }

    /** Recounts the user's facts (inside the write's transaction, so the counter equals the stored set). */
    Uni<Integer> refreshProfile(SqlClient tx, String userId) {
        return tx.preparedQuery(REFRESH_PROFILE).execute(Tuple.of(userId))
                .map(rows -> rows.iterator().next().getInteger("facts_count"));
    }

    /** @return whether the user had a fact with that id */
    Uni<Boolean> deleteFact(SqlClient tx, String userId, UUID id) {
        return tx.preparedQuery("DELETE FROM memory_facts WHERE id = $1 AND user_id = $2")
                .execute(Tuple.of(id, userId))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<MemoryRecords.ContextView> context(String userId, int limit) {
        Uni<List<MemoryRecords.FactView>> facts = pool.preparedQuery("""
                        SELECT id, content, category, confidence, created_at FROM memory_facts
                        WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2""")
                .execute(Tuple.of(userId, limit))
                .map(rows -> {
                    List<MemoryRecords.FactView> views = new ArrayList<>();
                    for (Row row : rows) {
                        views.add(new MemoryRecords.FactView(row.getUUID("id"), row.getString("content"),
                                row.getString("category"), row.getDouble("confidence"), row.getOffsetDateTime("created_at")));
                    }
                    return views;
                });
        Uni<Row> profile = pool.preparedQuery("SELECT facts_count, last_updated FROM memory_profiles WHERE user_id = $1")
                .execute(Tuple.of(userId))
                .map(rows -> rows.iterator().hasNext() ? rows.iterator().next() : null);
        return Uni.combine().all().unis(facts, profile).with((list, row) -> {
            int count = row == null ? 0 : row.getInteger("facts_count");
            OffsetDateTime updated = row == null ? null : row.getOffsetDateTime("last_updated");
            return new MemoryRecords.ContextView(list, count, updated, count > 0);
        });
    }
}
