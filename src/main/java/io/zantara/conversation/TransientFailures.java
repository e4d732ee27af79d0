package io.zantara.conversation;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;

import java.io.IOException;
import java.util.Set;

/**
 * Which DB failures are worth another attempt: lost or refused connections, timeouts, and the
 * SQLSTATEs that mean "try again" (serialization failure, deadlock, server shutting down or
 * overloaded). A constraint or data error is final: retrying it would only fail again.
 */
final class TransientFailures {

    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03");

    private TransientFailures() {
    }

    static boolean is(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg) {
                String state = pg.getSqlState();
                return state != null && (state.startsWith("08") || state.startsWith("53") || RETRYABLE_STATES.contains(state));
            }
            // Vert.x reports lost connections as VertxException and pool waits as *TimeoutException
            // types of its own (not all of them java.util.concurrent.TimeoutException).
            if (t instanceof IOException || t instanceof VertxException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
