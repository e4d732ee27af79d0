package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The PostgreSQL side of fencing: inside the guarded write's transaction, records the hold's token
 * for its resource, and fails when a newer token is already recorded (a later holder has written;
 * this holder's lease expired while it was paused) or the lease is known lost. The write then rolls
 * back with the transaction.
 */
public final class Fence {

    private static final String ADVANCE = """
            INSERT INTO lock_fences (resource, last_token) VALUES ($1, $2)
            ON CONFLICT (resource) DO UPDATE SET last_token = EXCLUDED.last_token, updated_at = now()
            WHERE lock_fences.last_token <= EXCLUDED.last_token""";

    private Fence() {
    }

    /**
     * Checks {@code hold} for {@code resource} on {@code tx} (the write's own transaction). Local
     * holds (token 0) pass without a statement.
     */
    public static Uni<Void> check(SqlClient tx, String resource, Hold hold) {
        if (hold.leaseLost()) {
            return Uni.createFrom().failure(new StaleHoldException(resource, hold.fencingToken(), "lease lost"));
        }
        if (hold.fencingToken() == 0) {
            return Uni.createFrom().voidItem();
        }
        return tx.preparedQuery(ADVANCE).execute(Tuple.of(resource, hold.fencingToken()))
                .onItem().transformToUni(rows -> rows.rowCount() == 1
                        ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new StaleHoldException(resource, hold.fencingToken(), "a newer holder wrote")));
    }

    /** A guarded write refused because its hold is no longer the newest. */
    public static final class StaleHoldException extends RuntimeException {
        public StaleHoldException(String resource, long token, String why) {
            super("write to '" + resource + "' with fencing token " + token + " refused: " + why, null, false, false);
        }
    }
}
