package io.zantara.lock.redis;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.zantara.lock.LockTimeoutException;
import io.zantara.lock.SystemLockClock;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The lease protocol against a real Redis; each RedisLeases stands in for one replica. */
@QuarkusTest
class RedisLeasesTest {

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisHosts;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final String resource = "memory:test-" + UUID.randomUUID();

    @AfterEach
    void closeReplicas() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private RedisLeases replica(String id, Duration ttl, Duration retry) {
        Redis client = Redis.createClient(vertx, redisHosts);
        SystemLockClock clock = new SystemLockClock("lease-test-" + id);
        RedisLeases leases = new RedisLeases(client, id, ttl, retry, clock, registry).start();
        opened.add(clock);
        opened.add(leases);
        opened.add(client::close);
        return leases;
    }

    private Response redis(Request request) {
        Redis client = Redis.createClient(vertx, redisHosts);
        try {
            return client.send(request).await().atMost(Duration.ofSeconds(5));
        } finally {
            client.close();
        }
    }

    @Test
    void acquire_freeResource_setsTheKeyWithTtlAndAFencingToken() {
        RedisLeases a = replica("a", Duration.ofSeconds(10), Duration.ofSeconds(1));

        Lease lease = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));

        assertEquals(lease.token(), redis(Request.cmd(Command.GET).arg(RedisLeases.lockKey(resource))).toString());
        long ttl = redis(Request.cmd(Command.PTTL).arg(RedisLeases.lockKey(resource))).toLong();
        assertTrue(ttl > 0 && ttl <= 10_000, "ttl " + ttl);
        assertTrue(lease.token().startsWith("a:"));
        assertTrue(lease.fencingToken() >= 1);
        assertTrue(a.release(lease).await().atMost(Duration.ofSeconds(5)));
        assertEquals(null, redis(Request.cmd(Command.GET).arg(RedisLeases.lockKey(resource))));
    }

    @Test
    void release_byANonOwnerToken_deletesNothing() {
        RedisLeases a = replica("a", Duration.ofSeconds(10), Duration.ofSeconds(1));
        Lease lease = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));
        Lease impostor = new Lease(resource, RedisLeases.lockKey(resource), "b:1", lease.fencingToken(), 0);

        assertFalse(a.release(impostor).await().atMost(Duration.ofSeconds(5)));

        assertEquals(lease.token(), redis(Request.cmd(Command.GET).arg(RedisLeases.lockKey(resource))).toString());
    }

    @Test
    void fencingTokens_growWithEveryAcquisition_acrossReplicas() {
        RedisLeases a = replica("a", Duration.ofSeconds(10), Duration.ofSeconds(1));
        RedisLeases b = replica("b", Duration.ofSeconds(10), Duration.ofSeconds(1));

        Lease first = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));
        a.release(first).await().atMost(Duration.ofSeconds(5));
        Lease second = b.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));

        assertTrue(second.fencingToken() > first.fencingToken());
    }

    @Test
    void heldByAnotherReplica_acquireTimesOut() {
        RedisLeases a = replica("a", Duration.ofSeconds(10), Duration.ofMillis(100));
        RedisLeases b = replica("b", Duration.ofSeconds(10), Duration.ofMillis(100));
        a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));

        assertThrows(LockTimeoutException.class, () -> b.acquire(resource, Duration.ofMillis(300)).await().atMost(Duration.ofSeconds(5)));
    }

    /**
     * The waiter's fallback retry is 30 s, far beyond the await: only the release message published
     * by the holder's release script can wake it in time.
     */
    @Test
    void release_wakesAWaiterOnAnotherReplica_byPubSub() {
        RedisLeases a = replica("a", Duration.ofSeconds(60), Duration.ofSeconds(30));
        RedisLeases b = replica("b", Duration.ofSeconds(60), Duration.ofSeconds(30));
        Lease held = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));
        var waiting = b.acquire(resource, Duration.ofSeconds(60)).subscribeAsCompletionStage();

        a.release(held).await().atMost(Duration.ofSeconds(5));

        Lease next = waiting.toCompletableFuture().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        assertNotNull(next);
        assertTrue(next.token().startsWith("b:"));
    }

    @Test
    void holderThatStopsRenewing_losesTheKeyAfterItsTtl_notBefore() {
        RedisLeases a = replica("a", Duration.ofMillis(1500), Duration.ofMillis(100));
        RedisLeases b = replica("b", Duration.ofSeconds(10), Duration.ofMillis(100));
        Lease stale = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));
        a.stopRenewing();

        assertThrows(LockTimeoutException.class, () -> b.acquire(resource, Duration.ZERO).await().atMost(Duration.ofSeconds(5)),
                "taken before the holder's ttl ran out");
        Lease next = b.acquire(resource, Duration.ofSeconds(10)).await().atMost(Duration.ofSeconds(15));

        assertTrue(next.fencingToken() > stale.fencingToken());
    }

    @Test
    void renewal_keepsTheLeaseAlivePastItsTtl() {
        RedisLeases a = replica("a", Duration.ofMillis(1200), Duration.ofMillis(100));
        RedisLeases b = replica("b", Duration.ofSeconds(10), Duration.ofMillis(100));
        Lease lease = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));

        // Three ttls long, b keeps trying; the watchdog (every 400 ms) must keep a's lease alive.
        // The ttl leaves 800 ms between renewals for a pause of this noisy machine.
        assertThrows(LockTimeoutException.class, () -> b.acquire(resource, Duration.ofMillis(3600)).await().atMost(Duration.ofSeconds(8)));
        assertFalse(lease.isLost());
        assertEquals(lease.token(), redis(Request.cmd(Command.GET).arg(RedisLeases.lockKey(resource))).toString());
    }

    @Test
    void close_releasesHeldLeases_soOtherReplicasNeedNotWaitForTheTtl() {
        RedisLeases a = replica("a", Duration.ofSeconds(60), Duration.ofSeconds(1));
        Lease lease = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));

        a.close();

        assertEquals(null, redis(Request.cmd(Command.GET).arg(RedisLeases.lockKey(resource))));
        assertFalse(lease.isLost());
    }

    @Test
    void leaseTakenAway_isReportedLostByTheWatchdog() {
        RedisLeases a = replica("a", Duration.ofMillis(600), Duration.ofMillis(100));
        Lease lease = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));

        redis(Request.cmd(Command.DEL).arg(RedisLeases.lockKey(resource)));

        lease.whenLost().await().atMost(Duration.ofSeconds(5));
        assertTrue(lease.isLost());
        assertEquals(1.0, registry.get("zantara.lock.lease.lost").counter().count());
    }

    /** Redis restarted or its script cache flushed: the SHA is unknown, the script is sent again. */
    @Test
    void scriptsFlushed_acquireAndReleaseStillWork() {
        RedisLeases a = replica("a", Duration.ofSeconds(10), Duration.ofSeconds(1));
        a.release(a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5))).await().atMost(Duration.ofSeconds(5));

        redis(Request.cmd(Command.SCRIPT).arg("FLUSH"));

        Lease lease = a.acquire(resource, Duration.ofSeconds(1)).await().atMost(Duration.ofSeconds(5));
        assertTrue(a.release(lease).await().atMost(Duration.ofSeconds(5)));
    }
}
