package io.zantara.api;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.zantara.lock.LockFamily;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import io.zantara.testing.Metrics;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class LockOutcomeTest {

    @Inject
    LockManager locks;

    @Test
    void memoryLockTimeout_is503LockTimeoutWithoutTheKey_andTheCounterMovesForThatUser() {
        String user = "user-" + UUID.randomUUID();
        CompletableFuture<String> release = hold(locks.memory(), user);

        given().when().post("/test-probe/locks/memory/" + user + "?timeout_ms=50")
                .then().statusCode(503)
                .header("Retry-After", "1")
                .contentType(Problem.MEDIA_TYPE)
                .body("type", is("urn:zantara:problem:lock-timeout"))
                .body("family", is("memory"))
                .body("operation", is("probe_write"))
                .body("detail", not(containsString(user)));
        release.complete("done");
        given().when().post("/test-probe/locks/memory/" + user + "?timeout_ms=5000").then().statusCode(200);

        String metrics = scrape();
        assertSeries(metrics, "zantara_memory_lock_timeout_total{", "user_id=\"" + user + "\"", "operation=\"probe_write\"", "} 1.0");
        assertSeries(metrics, "zantara_memory_lock_contention_seconds_count{", "user_id=\"" + user + "\"", "operation=\"probe_write\"", "} 2");
        assertSeries(metrics, "zantara_memory_lock_contention_seconds_bucket{", "user_id=\"" + user + "\"", "le=\"5.0E-4\"");
        assertSeries(metrics, "zantara_memory_lock_contention_seconds_bucket{", "user_id=\"" + user + "\"", "le=\"30.0\"");
        assertSeries(metrics, "zantara_memory_lock_contention_seconds_sum{", "user_id=\"" + user + "\"");
        assertSeries(metrics, "zantara_memory_lock_hold_seconds_count{", "user_id=\"" + user + "\"", "operation=\"probe_hold\"");
        assertSeries(metrics, "zantara_memory_lock_waiters ");
    }

    @Test
    void collectionLockTimeout_is503_andTheCollectionCounterMoves() {
        String collection = "docs-" + UUID.randomUUID().toString().substring(0, 8);
        CompletableFuture<String> release = hold(locks.collection(), collection);

        given().when().post("/test-probe/locks/collection/" + collection + "?timeout_ms=50")
                .then().statusCode(503)
                .body("type", is("urn:zantara:problem:lock-timeout"))
                .body("family", is("collection"));
        release.complete("done");

        assertSeries(scrape(), "zantara_collection_lock_timeout_total{", "collection_name=\"" + collection + "\"",
                "operation=\"probe_write\"", "} 1.0");
    }

    @Test
    void redisBackend_isTheDefault_andExclusiveHoldsCarryAFencingToken() {
        long token = locks.memory().withHold("user-" + UUID.randomUUID(), LockMode.EXCLUSIVE, "write",
                hold -> Uni.createFrom().item(hold.fencingToken())).await().atMost(java.time.Duration.ofSeconds(5));

        assertTrue(locks.leases().isPresent());
        assertTrue(token > 0);
    }

    private static CompletableFuture<String> hold(LockFamily family, String key) {
        CompletableFuture<String> release = new CompletableFuture<>();
        family.withLock(key, LockMode.EXCLUSIVE, "probe_hold", () -> Uni.createFrom().completionStage(release))
                .subscribe().with(ignored -> { });
        return release;
    }

    private static String scrape() {
        return Metrics.scrape();
    }

    private static void assertSeries(String metrics, String start, String... parts) {
        boolean found = Arrays.stream(metrics.split("\n"))
                .anyMatch(line -> line.startsWith(start) && Arrays.stream(parts).allMatch(line::contains));
        assertTrue(found, () -> "no series " + start + String.join(" ", parts));
    }
}
