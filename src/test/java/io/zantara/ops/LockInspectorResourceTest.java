package io.zantara.ops;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.zantara.api.Problem;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import io.zantara.lock.SystemLockClock;
import io.zantara.lock.redis.Lease;
import io.zantara.lock.redis.RedisLeases;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@QuarkusTest
class LockInspectorResourceTest {

    @Inject
    LockManager locks;

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisHosts;

    @Test
    void nonAdmin_is403Problem_andNoToken401() {
        given().header("Authorization", Tokens.bearer(Tokens.user("plain@example.com")))
                .when().get("/api/debug/locks")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("type", is("urn:zantara:problem:forbidden"));
        given().when().get("/api/debug/locks").then().statusCode(401);
    }

    @Test
    void admin_seesAHeldLockWithItsOperationAndLease() {
        String user = "held-" + UUID.randomUUID();
        CompletableFuture<String> release = new CompletableFuture<>();
        CompletableFuture<Boolean> holding = new CompletableFuture<>();
        locks.memory().withLock(user, LockMode.EXCLUSIVE, "stuck_write", () -> {
            holding.complete(true);
            return Uni.createFrom().completionStage(release);
        }).subscribe().with(ignored -> { });
        holding.join();
        try {
            given().header("Authorization", Tokens.bearer(Tokens.admin("ops@example.com")))
                    .when().get("/api/debug/locks")
                    .then().statusCode(200)
                    .body("backend", is("redis"))
                    .body("families.family", hasItem("memory"))
                    .body("families.find { it.family == 'memory' }.keys.key", hasItem(user))
                    .body("families.find { it.family == 'memory' }.keys.find { it.key == '" + user + "' }.holders[0].operation", is("stuck_write"))
                    .body("families.find { it.family == 'memory' }.oldest_hold_ms", greaterThanOrEqualTo(0))
                    .body("leases.resource", hasItem("memory:" + user));
        } finally {
            release.complete("done");
        }
    }

    /** A request here waits in Redis for a lease another replica holds: the inspector names that replica. */
    @Test
    void admin_seesWhichReplicaHoldsALeaseThisOneWaitsFor() throws Exception {
        String user = "contended-" + UUID.randomUUID();
        String other = "other-replica-" + UUID.randomUUID().toString().substring(0, 8);
        Redis client = Redis.createClient(vertx, redisHosts);
        SystemLockClock clock = new SystemLockClock("other-replica");
        RedisLeases otherReplica = new RedisLeases(client, other, Duration.ofSeconds(15), Duration.ofMillis(200), clock,
                new SimpleMeterRegistry()).start();
        try {
            Lease theirs = otherReplica.acquire("memory:" + user, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(10));
            CompletableFuture<String> ours = locks.memory().withLock(user, LockMode.EXCLUSIVE, "blocked_write", Duration.ofSeconds(30),
                    () -> Uni.createFrom().item("ran")).subscribeAsCompletionStage();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given()
                    .header("Authorization", Tokens.bearer(Tokens.admin("ops@example.com")))
                    .when().get("/api/debug/locks")
                    .then().statusCode(200)
                    .body("contended.find { it.resource == 'memory:" + user + "' }.holder_replica_id", is(other))
                    .body("contended.find { it.resource == 'memory:" + user + "' }.ttl_ms", greaterThan(0)));
            assertFalse(ours.isDone(), "ran while another replica held the lease");

            otherReplica.release(theirs).await().atMost(Duration.ofSeconds(10));
            assertEquals("ran", ours.get(10, TimeUnit.SECONDS));
        } finally {
            otherReplica.close();
            clock.close();
            client.close();
        }
    }

    @Test
    void openApi_describesTheApiAndItsBearerScheme() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/memory/facts"))
                .body("paths.keySet()", hasItem("/api/collections/{name}/search"))
                .body("paths.keySet()", hasItem("/api/collective-memory/contribute"))
                .body("paths.keySet()", hasItem("/api/debug/locks"))
                .body("components.securitySchemes.jwt.scheme", is("bearer"));
    }
}
