package io.zantara.conversation;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.zantara.api.Problem;
import io.zantara.testing.DatabaseProxy;
import io.zantara.testing.EmbeddedRedisControl;
import io.zantara.testing.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.zantara.conversation.ConversationResourceTest.as;
import static io.zantara.conversation.ConversationResourceTest.conversation;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * PostgreSQL taken away from the service (a TCP proxy between them drops every connection) and
 * given back: every conversation accepted meanwhile lands in the database exactly once.
 */
@QuarkusTest
@TestProfile(ConversationOutageTest.ThroughProxy.class)
class ConversationOutageTest {

    public static class ThroughProxy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return DatabaseProxy.get().config();
        }
    }

    @Inject
    Redis redis;

    @Inject
    ConversationConfig config;

    @Inject
    ConversationOutbox outbox;

    private final DatabaseProxy database = DatabaseProxy.get();
    private final String user = "outage-" + UUID.randomUUID() + "@example.com";

    @AfterEach
    void giveTheDatabaseBack() {
        database.restore();
    }

    @Test
    void databaseDown_savesAre202_thenTheReconcilerWritesEachExactlyOnce() throws Exception {
        double errorsBefore = metric("zantara_cache_db_consistency_errors_total");
        List<String> failureLines = captureErrors();
        database.cut();

        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String session = as(user).body(conversation(null, "message " + i, "answer " + i)).post("/api/conversations/save")
                    .then().statusCode(202).body("persistence", is("pending")).body("messages_saved", is(2))
                    .extract().path("session_id");
            sessions.add(session);
        }
        // A client retrying with its Idempotency-Key while the database is still down: two outbox entries, one row.
        String key = "retry-" + UUID.randomUUID();
        String replayed = as(user).header("Idempotency-Key", key).body(conversation(null, "replayed")).post("/api/conversations/save")
                .then().statusCode(202).extract().path("session_id");
        as(user).header("Idempotency-Key", key).body(conversation(null, "replayed")).post("/api/conversations/save")
                .then().statusCode(202).body("session_id", is(replayed));
        sessions.add(replayed);

        assertEquals(errorsBefore + 7, metric("zantara_cache_db_consistency_errors_total"));
        assertTrue(failureLines.stream().filter(line -> line.contains("DB Save failed")).count() >= 7, failureLines.toString());
        assertTrue(failureLines.stream().anyMatch(line -> line.contains(sessions.get(0))), "the log line names the session");
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("zantara_conversation_outbox_pending") >= 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("zantara_conversation_outbox_oldest_seconds") > 0);
        // Meanwhile the cache still serves the new sessions.
        as(user).queryParam("session_id", sessions.get(0)).when().get("/api/conversations/history")
                .then().statusCode(200).body("source", is("cache")).body("messages.content", contains("message 0", "answer 0"));

        database.restore();

        await().atMost(Duration.ofSeconds(30)).until(() -> metric("zantara_conversation_outbox_pending") == 0);
        for (int i = 0; i < 5; i++) {
            assertEquals(1, count("SELECT count(*) FROM conversations WHERE user_id = ? AND session_id = ?", sessions.get(i)));
            assertEquals(2, count("SELECT count(*) FROM conversation_messages WHERE user_id = ? AND session_id = ?", sessions.get(i)));
        }
        assertEquals(1, count("SELECT count(*) FROM conversation_messages WHERE user_id = ? AND session_id = ?", replayed));
        assertEquals(0.0, metric("zantara_conversation_outbox_oldest_seconds"));
    }

    @Test
    void entriesOfADeadReplica_areClaimedAndWritten() {
        // A replica took an entry through the consumer group and died before writing it.
        String session = as(user).body(conversation(null, "orphan")).post("/api/conversations/save")
                .then().statusCode(201).extract().path("session_id");
        String orphanSession = "orphan-" + UUID.randomUUID();
        Conversation orphan = new Conversation(UUID.randomUUID(), user, orphanSession, "hash", java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                List.of(new ConversationRecords.MessageInput(ConversationRecords.Role.USER, "left behind")), null);
        database.cut();
        String stream = config.outbox().stream();
        outbox.add(orphan).await().atMost(Duration.ofSeconds(5));
        send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(config.outbox().group()).arg("dead-replica")
                .arg("COUNT").arg(1000).arg("STREAMS").arg(stream).arg(">"));
        database.restore();

        await().atMost(Duration.ofSeconds(30)).until(() ->
                count("SELECT count(*) FROM conversation_messages WHERE user_id = ? AND session_id = ?", orphanSession) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("zantara_conversation_outbox_pending") == 0);
        assertEquals(1, count("SELECT count(*) FROM conversations WHERE user_id = ? AND session_id = ?", session));
    }

    @Test
    void consumersOfGoneReplicas_leaveTheGroup() {
        outbox.ensureGroup().await().atMost(Duration.ofSeconds(5));
        send(Request.cmd(Command.XGROUP).arg("CREATECONSUMER").arg(config.outbox().stream()).arg(config.outbox().group())
                .arg("gone-replica"));
        assertTrue(consumers().contains("gone-replica"));

        await().atMost(Duration.ofSeconds(20)).until(() -> !consumers().contains("gone-replica"));
    }

    private String consumers() {
        return redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(config.outbox().stream()).arg(config.outbox().group()))
                .await().atMost(Duration.ofSeconds(5)).toString();
    }

    @Test
    void anEntryPostgresCanNeverTake_goesToTheDeadLetterStream() {
        double before = Metrics.value(Metrics.scrape(), "zantara_conversation_outbox_dead_letters_total", "reason", "unreadable")
                .orElse(0.0);
        String id = redis.send(Request.cmd(Command.XADD).arg(config.outbox().stream()).arg("*")
                .arg(ConversationOutbox.FIELD).arg("{not a conversation")).await().atMost(Duration.ofSeconds(5)).toString();

        await().atMost(Duration.ofSeconds(20)).until(() -> Metrics.value(Metrics.scrape(),
                "zantara_conversation_outbox_dead_letters_total", "reason", "unreadable").orElse(0.0) == before + 1);
        String kept = redis.send(Request.cmd(Command.XRANGE).arg(config.outbox().deadLetterStream()).arg("-").arg("+"))
                .await().atMost(Duration.ofSeconds(5)).toString();
        assertTrue(kept.contains(id) && kept.contains("{not a conversation"), kept);
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("zantara_conversation_outbox_pending") == 0);
    }

    @Test
    void databaseAndRedisDown_is503_andNothingIsSaved() throws Exception {
        assumeTrue(EmbeddedRedisControl.port().isPresent(), "needs the embedded Redis, which this test stops");
        String session = "nowhere-" + UUID.randomUUID();
        database.cut();
        EmbeddedRedisControl.stop();
        try {
            as(user).body(conversation(session, "lost?")).post("/api/conversations/save")
                    .then().statusCode(503).contentType(Problem.MEDIA_TYPE)
                    .body("type", is("urn:zantara:problem:persistence-unavailable"));
        } finally {
            EmbeddedRedisControl.start();
            database.restore();
        }
        // Nothing reached the outbox either: after a few reconciler rounds the session is still nowhere.
        await().atMost(Duration.ofSeconds(20)).until(() -> metric("zantara_conversation_outbox_pending") == 0);
        assertEquals(0, count("SELECT count(*) FROM conversations WHERE user_id = ? AND session_id = ?", session));
        as(user).queryParam("session_id", session).when().get("/api/conversations/history").then().statusCode(404);
    }

    private void send(Request request) {
        redis.send(request).await().atMost(Duration.ofSeconds(5));
    }

    private static double metric(String name) {
        return Metrics.value(Metrics.scrape(), name).orElse(0.0);
    }

    /** Counts straight from PostgreSQL, past the proxy, so the count does not depend on the service. */
    private long count(String sql, String sessionId) {
        String url = DatabaseProxy.get().directJdbcUrl();
        try (Connection connection = DriverManager.getConnection(url, DatabaseProxy.get().username(), "");
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, user);
            statement.setString(2, sessionId);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> captureErrors() {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger.getLogger(ConversationService.class.getName()).addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        return lines;
    }
}
