package io.zantara.collective;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/*
 * Why these statements and no application lock: the unique index on content_hash decides which of
 * two first contributions creates the memory (the other's ON CONFLICT DO NOTHING waits for it and
 * returns nothing), the contributions' primary key decides whether a user counts, and the UPDATE's
 * row lock serialises the increments, so no count is lost; the count moves by one at a time, so
 * exactly one contribution brings it to the threshold, and that one promotes. The lookup after a conflict is its own statement: a
 * statement's snapshot would not see the row that a concurrent transaction committed meanwhile.
 */

/** SQL of collective memory; every call takes the caller's transaction. */
@ApplicationScoped
public class CollectiveMemoryRepository {

    /** The memory a contribution is about, and whether this contribution created it. */
    record Memory(UUID id, boolean created) {
    }

    /** Counts after the contribution; {@code promotedNow} only for the one that crossed the line. */
    record Counts(int sourceCount, boolean promoted, boolean promotedNow) {
    }

    static final int PROMOTION_THRESHOLD = 3;

    Uni<Memory> upsert(SqlClient tx, String hash, String content, String category) {
        return tx.preparedQuery("""
                        INSERT INTO collective_memories (content_hash, content, category) VALUES ($1, $2, $3)
                        ON CONFLICT (content_hash) DO NOTHING RETURNING id""")
                .execute(Tuple.of(hash, content, category))
                .onItem().transformToUni(rows -> rows.iterator().hasNext()
                        ? Uni.createFrom().item(new Memory(rows.iterator().next().getUUID("id"), true))
                        : tx.preparedQuery("SELECT id FROM collective_memories WHERE content_hash = $1")
                        .execute(Tuple.of(hash))
                        .map(found -> new Memory(found.iterator().next().getUUID("id"), false)));
    }

    /** @return whether this user had not contributed to the memory before */
    Uni<Boolean> addContributor(SqlClient tx, UUID memory, String userId) {
        return tx.preparedQuery("""
                        INSERT INTO collective_contributions (memory_id, user_id) VALUES ($1, $2)
                        ON CONFLICT (memory_id, user_id) DO NOTHING""")
                .execute(Tuple.of(memory, userId))
                .map(rows -> rows.rowCount() == 1);
    }

    Uni<Counts> countContributor(SqlClient tx, UUID memory) {
        return tx.preparedQuery("""
                        UPDATE collective_memories
                        SET source_count = source_count + 1,
                            is_promoted  = source_count + 1 >= $2,
                            promoted_at  = CASE WHEN source_count + 1 = $2 THEN now() ELSE promoted_at END
                        WHERE id = $1
                        RETURNING source_count, is_promoted, source_count = $2 AS promoted_now""")
                .execute(Tuple.of(memory, PROMOTION_THRESHOLD))
                .map(rows -> counts(rows.iterator().next(), true));
    }

    Uni<Counts> counts(SqlClient tx, UUID memory) {
        return tx.preparedQuery("SELECT source_count, is_promoted FROM collective_memories WHERE id = $1")
                .execute(Tuple.of(memory))
                .map(rows -> counts(rows.iterator().next(), false));
    }

    private static Counts counts(Row row, boolean withTransition) {
        return new Counts(row.getInteger("source_count"), row.getBoolean("is_promoted"),
                withTransition && row.getBoolean("promoted_now"));
    }
}
