package io.zantara.conversation;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zantara.api.Problem;
import io.zantara.testing.EmbeddedRedisControl;
import io.zantara.testing.Metrics;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@QuarkusTest
class ConversationResourceTest {

    static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Inject
    Pool pool;

    @Inject
    Redis redis;

    private final String user = "talker-" + UUID.randomUUID() + "@example.com";

    static RequestSpecification as(String email) {
        return given().header("Authorization", Tokens.bearer(Tokens.user(email))).contentType(ContentType.JSON);
    }

    static String conversation(String sessionId, String... contents) {
        StringBuilder json = new StringBuilder("{");
        if (sessionId != null) {
            json.append("\"session_id\": \"").append(sessionId).append("\", ");
        }
        json.append("\"messages\": [");
        for (int i = 0; i < contents.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"role\": \"").append(i % 2 == 0 ? "user" : "assistant")
                    .append("\", \"content\": \"").append(contents[i]).append("\"}");
        }
        return json.append("]}").toString();
    }

    private ValidatableResponse history(String email, String sessionId) {
        return as(email).queryParam("session_id", sessionId).when().get("/api/conversations/history").then();
    }

    /** Rows of a session in {@code table} (conversations or conversation_messages), counted in PostgreSQL. */
    static long count(Pool pool, String table, String userId, String sessionId) {
        return pool.preparedQuery("SELECT count(*) FROM " + table + " WHERE user_id = $1 AND session_id = $2")
                .execute(Tuple.of(userId, sessionId)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    long rowsOf(String sessionId) {
        return count(pool, "conversations", user, sessionId);
    }

    long messagesOf(String sessionId) {
        return count(pool, "conversation_messages", user, sessionId);
    }

    void evict(String sessionId) {
        List<String> keys = ConversationCache.keys(user, sessionId);
        Request del = Request.cmd(Command.DEL);
        keys.forEach(del::arg);
        redis.send(del).await().atMost(Duration.ofSeconds(5));
    }

    @Test
    void saveWithoutSession_getsUuidSession_andHistoryComesFromCache() {
        String session = as(user).body(conversation(null, "hello", "hi there")).when().post("/api/conversations/save")
                .then().statusCode(201)
                .body("session_id", matchesPattern(UUID_PATTERN))
                .body("conversation_id", matchesPattern(UUID_PATTERN))
                .body("messages_saved", is(2))
                .body("persistence", is("db"))
                .extract().path("session_id");

        history(user, session).statusCode(200)
                .body("source", is("cache"))
                .body("session_id", is(session))
                .body("messages.content", contains("hello", "hi there"))
                .body("messages.role", contains("user", "assistant"));
        assertEquals(1, rowsOf(session));
        assertEquals(2, messagesOf(session));
    }

    @Test
    void evictedSession_isReadFromTheDatabase_inTheSameOrder() {
        String session = "s-" + UUID.randomUUID();
        as(user).body(conversation(session, "one", "two")).post("/api/conversations/save").then().statusCode(201);
        as(user).body(conversation(session, "three")).post("/api/conversations/save").then().statusCode(201);

        // A session the client named may have older messages than the cache saw: PostgreSQL answers.
        history(user, session).statusCode(200).body("source", is("db")).body("messages.content", contains("one", "two", "three"));
        evict(session);
        history(user, session).statusCode(200).body("source", is("db")).body("messages.content", contains("one", "two", "three"));
        // Once the cache holds at least what is asked for, it answers.
        as(user).queryParam("session_id", session).queryParam("limit", 1).when().get("/api/conversations/history")
                .then().statusCode(200).body("source", is("db")).body("messages.content", contains("three"));
        as(user).body(conversation(session, "four")).post("/api/conversations/save").then().statusCode(201);
        as(user).queryParam("session_id", session).queryParam("limit", 1).when().get("/api/conversations/history")
                .then().statusCode(200).body("source", is("cache")).body("messages.content", contains("four"));
    }

    @Test
    void sameIdempotencyKeyTwice_isOneRow_andTheSameAnswer() {
        String key = "key-" + UUID.randomUUID();
        String body = conversation(null, "only once");
        ValidatableResponse first = as(user).header("Idempotency-Key", key).body(body).post("/api/conversations/save").then().statusCode(201);
        String conversationId = first.extract().path("conversation_id");
        String session = first.extract().path("session_id");

        as(user).header("Idempotency-Key", key).body(body).post("/api/conversations/save").then().statusCode(201)
                .body("conversation_id", is(conversationId))
                .body("session_id", is(session))
                .body("messages_saved", is(1));

        assertEquals(1, rowsOf(session));
        assertEquals(1, messagesOf(session));
        history(user, session).statusCode(200).body("count", is(1));
    }

    @Test
    void idempotencyKeyReusedForAnotherRequest_is422_andChangesNothing() {
        String key = "key-" + UUID.randomUUID();
        String session = "s-" + UUID.randomUUID();
        as(user).header("Idempotency-Key", key).body(conversation(session, "first")).post("/api/conversations/save")
                .then().statusCode(201);

        as(user).header("Idempotency-Key", key).body(conversation(session, "something else")).post("/api/conversations/save")
                .then().statusCode(422).contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:idempotency-key-reused"));

        assertEquals(1, messagesOf(session));
        history(user, session).statusCode(200).body("messages.content", contains("first"));
    }

    @Test
    void theSameKeyOfTwoUsers_isTwoConversations() {
        String key = "shared-" + UUID.randomUUID();
        String other = "other-" + UUID.randomUUID() + "@example.com";
        String mine = as(user).header("Idempotency-Key", key).body(conversation(null, "a")).post("/api/conversations/save")
                .then().statusCode(201).extract().path("conversation_id");
        String theirs = as(other).header("Idempotency-Key", key).body(conversation(null, "a")).post("/api/conversations/save")
                .then().statusCode(201).extract().path("conversation_id");
        assertEquals(false, mine.equals(theirs));
    }

    @Test
    void anotherUsersSession_is404_fromCacheAndDatabaseAlike() {
        String session = "private-" + UUID.randomUUID();
        as(user).body(conversation(session, "secret")).post("/api/conversations/save").then().statusCode(201);
        String intruder = "intruder-" + UUID.randomUUID() + "@example.com";

        history(intruder, session).statusCode(404).contentType(Problem.MEDIA_TYPE).body("type", is("urn:zantara:problem:not-found"));
        evict(session);
        history(intruder, session).statusCode(404).contentType(Problem.MEDIA_TYPE);
        history(user, session).statusCode(200).body("messages.content", contains("secret"));
    }

    @Test
    void unknownSession_is404() {
        history(user, "never-" + UUID.randomUUID()).statusCode(404).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void badInput_is400Problem_andNothingIsWritten() {
        String session = "bad-" + UUID.randomUUID();
        String tooBig = "é".repeat(ConversationRecords.MAX_CONTENT_BYTES / 2 + 1); // 2 bytes each: one byte over
        List<String> bodies = List.of(
                "{\"session_id\": \"" + session + "\", \"messages\": []}",
                "{\"session_id\": \"" + session + "\", \"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}",
                "{\"session_id\": \"" + session + "\", \"messages\": [{\"role\": \"user\"}]}",
                "{\"session_id\": \"" + session + "\", \"messages\": \"hello\"}",
                "{\"session_id\": \"" + session + "\", \"messages\": [{\"role\": \"user\", \"content\": 42, \"x\": 1}]}",
                "{\"session_id\": \"" + session + "\", \"messages\": [{\"role\": \"user\", \"content\": \"nul\\u0000\"}]}",
                "{\"session_id\": \"" + session + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + tooBig + "\"}]}",
                "{\"session_id\": \"../../etc\", \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                "{\"session_id\": 7, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}",
                "not json");
        for (String body : bodies) {
            as(user).body(body).post("/api/conversations/save")
                    .then().log().ifValidationFails().statusCode(400).contentType(Problem.MEDIA_TYPE).body("status", is(400));
        }
        as(user).body("{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}").post("/api/conversations/save")
                .then().statusCode(400)
                .body("errors[0].field", is("messages[0].role"))
                .body("errors[0].message", is("must be one of: user, assistant, system"));
        as(user).body(manyMessages(session, 501, "m")).post("/api/conversations/save")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("errors.field", hasItem(org.hamcrest.Matchers.containsString("messages")));
        as(user).header("Idempotency-Key", "has space").body(conversation(session, "x")).post("/api/conversations/save")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        as(user).when().get("/api/conversations/history").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        as(user).queryParam("session_id", session).queryParam("limit", 0).when().get("/api/conversations/history")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);

        assertEquals(0, rowsOf(session));
        history(user, session).statusCode(404);
    }

    @Test
    void largestValidConversation_isSavedWhole() {
        String session = "big-" + UUID.randomUUID();
        String content = "x".repeat(ConversationRecords.MAX_CONTENT_BYTES);
        as(user).body(manyMessages(session, 500, content)).post("/api/conversations/save")
                .then().statusCode(201).body("messages_saved", is(500));
        assertEquals(500, messagesOf(session));
        as(user).queryParam("session_id", session).queryParam("limit", 500).when().get("/api/conversations/history")
                .then().statusCode(200).body("count", is(500)).body("source", is("db"));
    }

    @Test
    void redisDown_theDatabaseStillTakesTheSave_andTheCacheErrorIsCounted() throws Exception {
        assumeTrue(EmbeddedRedisControl.port().isPresent(), "needs the embedded Redis, which this test stops");
        double before = Metrics.value(Metrics.scrape(), "zantara_conversation_cache_errors_total", "operation", "append").orElse(0.0);
        String session = "no-cache-" + UUID.randomUUID();
        EmbeddedRedisControl.stop();
        try {
            as(user).body(conversation(session, "kept anyway")).post("/api/conversations/save")
                    .then().statusCode(201).body("persistence", is("db"));
            history(user, session).statusCode(200).body("source", is("db")).body("messages.content", contains("kept anyway"));
        } finally {
            EmbeddedRedisControl.start();
        }
        assertEquals(1, rowsOf(session));
        double after = Metrics.value(Metrics.scrape(), "zantara_conversation_cache_errors_total", "operation", "append").orElse(0.0);
        assertEquals(before + 1, after);
        // Redis back: the cache works again (the client reconnects on its own).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                as(user).body(conversation(null, "again")).post("/api/conversations/save").then().statusCode(201));
    }

    static String manyMessages(String sessionId, int count, String content) {
        String[] contents = new String[count];
        java.util.Arrays.fill(contents, content);
        return conversation(sessionId, contents);
    }

    static List<String> ids(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID().toString());
        }
        return ids;
    }
}
