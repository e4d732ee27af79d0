package io.zantara.memory;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zantara.api.Problem;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import io.zantara.testing.Metrics;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class MemoryResourceTest {

    @Inject
    LockManager locks;

    @Inject
    Pool pool;

    private final String user = "user-" + UUID.randomUUID() + "@example.com";

    private io.restassured.specification.RequestSpecification as(String email) {
        return given().header("Authorization", Tokens.bearer(Tokens.user(email))).contentType(ContentType.JSON);
    }

    private static String facts(String... contents) {
        StringBuilder json = new StringBuilder("{\"facts\": [");
        for (int i = 0; i < contents.length; i++) {
            json.append(i == 0 ? "" : ",").append("{\"content\": \"").append(contents[i]).append("\"}");
        }
        return json.append("]}").toString();
    }

    @Test
    void noToken_is401Problem() {
        given().when().get("/api/memory/context")
                .then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("type", is("urn:zantara:problem:unauthorized"));
    }

    @Test
    void tokenOfAnotherIssuer_is401Problem() {
        String forged = Jwt.issuer("https://evil.example").audience(Tokens.AUDIENCE).subject("x").claim("email", user).sign();

        given().header("Authorization", Tokens.bearer(forged)).when().get("/api/memory/context")
                .then().statusCode(401).contentType(Problem.MEDIA_TYPE);
    }

    @Test
    void addFacts_thenContext_deduplicatesAndCounts_newestFirst() {
        as(user).body(facts("Likes tea", "Lives in  Bali", "likes TEA")).when().post("/api/memory/facts")
                .then().statusCode(200)
                .body("saved", is(2)).body("duplicates", is(1)).body("total_facts", is(2));
        as(user).body(facts("Lives in Bali", "Speaks Indonesian")).when().post("/api/memory/facts")
                .then().statusCode(200)
                .body("saved", is(1)).body("duplicates", is(1)).body("total_facts", is(3));

        as(user).when().get("/api/memory/context?limit=2")
                .then().statusCode(200)
                .body("has_data", is(true))
                .body("facts_count", is(3))
                .body("facts", hasSize(2))
                .body("facts[0].content", is("Speaks Indonesian"));
    }

    @Test
    void context_ofANewUser_hasNoData() {
        as(user).when().get("/api/memory/context")
                .then().statusCode(200).body("has_data", is(false)).body("facts_count", is(0)).body("facts", hasSize(0));
    }

    /** Fifty writes at once for one user, contents overlapping and spelled differently: no lost update. */
    @Test
    void fiftyConcurrentWrites_storeEachDistinctContentOnce_andCountThemExactly() throws Exception {
        List<String> pool20 = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pool20.add("fact number " + i);
        }
        Set<String> sent = new HashSet<>();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int r = 0; r < 50; r++) {
                List<String> picked = new ArrayList<>();
                for (int f = 0; f < 4; f++) {
                    String fact = pool20.get(ThreadLocalRandom.current().nextInt(pool20.size()));
                    sent.add(fact);
                    picked.add(ThreadLocalRandom.current().nextBoolean() ? fact.toUpperCase(Locale.ROOT) : fact);
                }
                String body = facts(picked.toArray(String[]::new));
                answers.add(clients.submit(() -> as(user).body(body).when().post("/api/memory/facts").then().extract().statusCode()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(200, answer.get(60, TimeUnit.SECONDS));
            }
        } finally {
            clients.shutdownNow();
        }

        Row stored = pool.preparedQuery("""
                        SELECT (SELECT count(*) FROM memory_facts WHERE user_id = $1) AS facts,
                               (SELECT count(DISTINCT content_hash) FROM memory_facts WHERE user_id = $1) AS distinct_facts,
                               (SELECT facts_count FROM memory_profiles WHERE user_id = $1) AS counted""")
                .execute(Tuple.of(user)).await().atMost(Duration.ofSeconds(5)).iterator().next();
        assertEquals(sent.size(), stored.getLong("facts"));
        assertEquals(sent.size(), stored.getLong("distinct_facts"));
        assertEquals(sent.size(), stored.getInteger("counted"));
    }

    @Test
    void read_duringAHeldWrite_waitsForIt() {
        CompletableFuture<String> write = new CompletableFuture<>();
        locks.memory().withLock(user, LockMode.EXCLUSIVE, "test_write", () -> Uni.createFrom().completionStage(write))
                .subscribe().with(ignored -> { });
        int waitingBefore = locks.memory().waiting();

        CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() ->
                as(user).when().get("/api/memory/context").then().extract().statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> locks.memory().waiting() == waitingBefore + 1);

        write.complete("done");
        assertEquals(200, read.join());
    }

    @Test
    void elevenReads_withACapOfTen_oneWaits() {
        List<CompletableFuture<String>> readers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            CompletableFuture<String> reader = new CompletableFuture<>();
            readers.add(reader);
            locks.memory().withLock(user, LockMode.SHARED, "test_read", () -> Uni.createFrom().completionStage(reader))
                    .subscribe().with(ignored -> { });
        }
        int waitingBefore = locks.memory().waiting();

        CompletableFuture<Integer> eleventh = CompletableFuture.supplyAsync(() ->
                as(user).when().get("/api/memory/context").then().extract().statusCode());
        await().atMost(Duration.ofSeconds(5)).until(() -> locks.memory().waiting() == waitingBefore + 1);

        readers.get(0).complete("done");
        assertEquals(200, eleventh.join());
        readers.forEach(r -> r.complete("done"));
    }

    @Test
    void write_whileTheUsersLockIsHeld_is503LockTimeout_andCountedForThatUser() {
        CompletableFuture<String> held = new CompletableFuture<>();
        locks.memory().withLock(user, LockMode.EXCLUSIVE, "test_write", () -> Uni.createFrom().completionStage(held))
                .subscribe().with(ignored -> { });
        try {
            as(user).body(facts("will not be written")).when().post("/api/memory/facts")
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", is("urn:zantara:problem:lock-timeout"))
                    .body("family", is("memory"))
                    .body("operation", is("add_facts"));
        } finally {
            held.complete("done");
        }

        as(user).when().get("/api/memory/context").then().body("facts_count", is(0));
        assertEquals(java.util.Optional.of(1.0), Metrics.value(Metrics.scrape(), "zantara_memory_lock_timeout_total",
                "user_id", user, "operation", "add_facts"));
    }

    @Test
    void write_whileRedisIsDown_is503LockBackendUnavailable_andNothingIsWritten() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.zantara.testing.EmbeddedRedisControl.port().isPresent(),
                "only with the embedded Redis: an external one is not ours to stop");
        io.zantara.testing.EmbeddedRedisControl.stop();
        try {
            as(user).body(facts("written while Redis is down")).when().post("/api/memory/facts")
                    .then().statusCode(503)
                    .header("Retry-After", "1")
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", is("urn:zantara:problem:lock-backend-unavailable"))
                    .body("family", is("memory"));
        } finally {
            io.zantara.testing.EmbeddedRedisControl.start();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                as(user).when().get("/api/memory/context").then().statusCode(200).body("facts_count", is(0)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                as(user).body(facts("written after Redis is back")).when().post("/api/memory/facts").then().statusCode(200));
    }

    @Test
    void deleteFact_ownIs204_anotherUsersIs404() {
        as(user).body(facts("secret of the owner")).when().post("/api/memory/facts").then().statusCode(200);
        String id = as(user).when().get("/api/memory/context").then().extract().path("facts[0].id");

        as("intruder-" + UUID.randomUUID() + "@example.com").when().delete("/api/memory/facts/" + id)
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        as(user).when().delete("/api/memory/facts/not-a-uuid").then().statusCode(404);
        as(user).when().delete("/api/memory/facts/" + id).then().statusCode(204);

        as(user).when().get("/api/memory/context").then().body("facts_count", is(0)).body("facts", hasSize(0));
    }

    @Test
    void badInput_is400NamingTheField() {
        String tooMany = facts(java.util.stream.IntStream.range(0, 101).mapToObj(i -> "f" + i).toArray(String[]::new));
        as(user).body(tooMany).when().post("/api/memory/facts").then().statusCode(400).body("errors.field", hasItem("facts"));
        as(user).body(facts("")).when().post("/api/memory/facts").then().statusCode(400).body("errors.field", hasItem("facts[0].content"));
        as(user).body(facts("x".repeat(4001))).when().post("/api/memory/facts").then().statusCode(400).body("errors.field", hasItem("facts[0].content"));
        as(user).body("{\"facts\": [{\"content\": \"ok\", \"confidence\": 2}]}").when().post("/api/memory/facts")
                .then().statusCode(400).body("errors.field", hasItem("facts[0].confidence"));
        as(user).body("{\"facts\": [{\"content\": \"ok\", \"confidence\": \"high\"}]}").when().post("/api/memory/facts")
                .then().statusCode(400).body("errors[0].field", is("facts[0].confidence")).body("errors[0].message", is("must be a number"));
        as(user).body("{\"facts\": \"not a list\"}").when().post("/api/memory/facts").then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("errors[0].field", is("facts")).body("errors[0].message", is("must be an array"));
        as(user).body("{\"facts\": [{\"content\": \"ok\"}], \"user_id\": \"someone-else\"}").when().post("/api/memory/facts")
                .then().statusCode(400).body("errors[0].field", is("user_id"));
        as(user).when().get("/api/memory/context?limit=0").then().statusCode(400).body("errors[0].field", is("limit"));

        as(user).when().get("/api/memory/context").then().body("facts_count", is(0));
    }
}
