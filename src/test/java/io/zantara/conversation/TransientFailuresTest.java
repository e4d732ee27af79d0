package io.zantara.conversation;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransientFailuresTest {

    private static PgException pg(String state) {
        return new PgException("message", "ERROR", state, null);
    }

    @Test
    void worthAnotherAttempt() {
        for (String state : new String[] {"40001", "40P01", "08006", "53300", "57P01", "55P03"}) {
            assertTrue(TransientFailures.is(pg(state)), state);
        }
        assertTrue(TransientFailures.is(new ConnectException("refused")));
        assertTrue(TransientFailures.is(new VertxException("Connection closed")));
        assertTrue(TransientFailures.is(new io.smallrye.mutiny.TimeoutException()));
        assertTrue(TransientFailures.is(new CompletionException(new ConnectException("wrapped"))));
    }

    @Test
    void final_whenRetryingWouldFailAlike() {
        for (String state : new String[] {"23505", "23502", "22021", "42P01"}) {
            assertFalse(TransientFailures.is(pg(state)), state);
        }
        assertFalse(TransientFailures.is(new IllegalArgumentException("a bug, not an outage")));
        assertFalse(TransientFailures.is(new CompletionException(pg("23505"))));
    }
}
