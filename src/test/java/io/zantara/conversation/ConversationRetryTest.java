package io.zantara.conversation;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import io.zantara.testing.Metrics;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.zantara.conversation.ConversationResourceTest.as;
import static io.zantara.conversation.ConversationResourceTest.conversation;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The inline DB write's retry, with failures injected in front of the real repository: the writes
 * that do happen go to the real PostgreSQL, where the rows are counted.
 */
@QuarkusTest
class ConversationRetryTest {

    @Inject
    Pool pool;

    private final String user = "retry-" + UUID.randomUUID() + "@example.com";

    /** Fails the first {@code failures} writes with {@code failure}, then writes for real. */
    static class FlakyRepository extends ConversationRepository {
        final AtomicInteger calls = new AtomicInteger();
        private final int failures;
        private final RuntimeException failure;

        FlakyRepository(Pool pool, int failures, RuntimeException failure) {
            super(pool);
            this.failures = failures;
            this.failure = failure;
        }

        @Override
        Uni<Stored> write(Conversation conversation) {
            return calls.incrementAndGet() <= failures ? Uni.createFrom().failure(failure) : super.write(conversation);
        }
    }

    private static PgException serializationFailure() {
        return new PgException("could not serialize access due to concurrent update", "ERROR", "40001", null);
    }

    private double counter(String name) {
        return Metrics.value(Metrics.scrape(), name).orElse(0.0);
    }

    private long rowsOf(String sessionId) {
        return ConversationResourceTest.count(pool, "conversations", user, sessionId);
    }

    @Test
    void firstAttemptFailsTransiently_secondSucceeds_oneRow_noConsistencyError() {
        FlakyRepository flaky = new FlakyRepository(pool, 1, serializationFailure());
        QuarkusMock.installMockForType(flaky, ConversationRepository.class);
        double errorsBefore = counter("zantara_cache_db_consistency_errors_total");
        String session = "retry-" + UUID.randomUUID();

        as(user).body(conversation(session, "after one retry")).post("/api/conversations/save")
                .then().statusCode(201).body("persistence", is("db"));

        assertEquals(2, flaky.calls.get());
        assertEquals(1, rowsOf(session));
        assertEquals(errorsBefore, counter("zantara_cache_db_consistency_errors_total"));
    }

    @Test
    void everyAttemptFailsTransiently_theSaveGoesToTheOutbox_andLandsOnce() {
        // Three inline attempts fail; the reconciler's next attempt goes through.
        FlakyRepository flaky = new FlakyRepository(pool, 3, serializationFailure());
        QuarkusMock.installMockForType(flaky, ConversationRepository.class);
        double errorsBefore = counter("zantara_cache_db_consistency_errors_total");
        String session = "outboxed-" + UUID.randomUUID();

        as(user).body(conversation(session, "kept in the outbox")).post("/api/conversations/save")
                .then().statusCode(202).body("persistence", is("pending"));

        assertEquals(errorsBefore + 1, counter("zantara_cache_db_consistency_errors_total"));
        await().atMost(Duration.ofSeconds(20)).until(() -> rowsOf(session) == 1);
        assertEquals(4, flaky.calls.get());
    }

    @Test
    void aFinalFailure_isNotRetried() {
        PgException notNull = new PgException("null value violates not-null constraint", "ERROR", "23502", null);
        FlakyRepository flaky = new FlakyRepository(pool, 1, notNull);
        QuarkusMock.installMockForType(flaky, ConversationRepository.class);

        as(user).body(conversation("final-" + UUID.randomUUID(), "x")).post("/api/conversations/save")
                .then().statusCode(202);

        // The one inline attempt, then the reconciler's (which succeeds): never a second inline attempt.
        await().atMost(Duration.ofSeconds(20)).until(() -> flaky.calls.get() >= 2);
        assertEquals(2, flaky.calls.get());
    }
}
