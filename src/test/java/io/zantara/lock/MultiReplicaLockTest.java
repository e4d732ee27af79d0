package io.zantara.lock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.sqlclient.Pool;
import io.zantara.lock.redis.RedisLeases;
import io.zantara.testing.EmbeddedRedisControl;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Lock families of several replicas in one JVM, each with its own Redis connection, replica id,
 * local lock and lease tier, sharing one Redis and one PostgreSQL.
 */
@QuarkusTest
class MultiReplicaLockTest {

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisHosts;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private final java.util.Map<LockFamily, RedisLeases> tiers = new java.util.HashMap<>();
    private final java.util.Map<LockFamily, SimpleMeterRegistry> registries = new java.util.HashMap<>();

    @AfterEach
    void closeReplicas() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    private LockFamily replica(String id, Duration ttl) {
        return replica(id, ttl, 32);
    }

    private LockFamily replica(String id, Duration ttl, int maxHandoffs) {
        Redis client = Redis.createClient(vertx, redisHosts);
        SystemLockClock clock = new SystemLockClock("replica-" + id);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisLeases leases = new RedisLeases(client, id, ttl, Duration.ofMillis(200), clock, registry).start();
        KeyedLock lock = new KeyedLock("memory", 10, clock);
        opened.add(clock);
        opened.add(leases);
        opened.add(client::close);
        LockFamily family = new LockFamily("memory", Duration.ofSeconds(30), lock,
                new FamilyMetrics(registry, "memory", "user_id", new KeyLabels(LabelPolicy.RAW, 100), lock), clock,
                new LeaseCohort("memory", leases, clock, maxHandoffs, Duration.ofMillis(200), registry));
        tiers.put(family, leases);
        registries.put(family, registry);
        return family;
    }

    /**
     * Each section reads a shared counter, yields (a short timer), and writes it back
     * plus one: any overlap of two holders loses an update, and the holder count sees it.
     */
    @Test
    void exclusiveSections_acrossThreeReplicas_neverOverlap_andLoseNoUpdate() {
        List<LockFamily> replicas = List.of(replica("r1", Duration.ofSeconds(10)), replica("r2", Duration.ofSeconds(10)),
                replica("r3", Duration.ofSeconds(10)));
        String[] keys = {"k-" + UUID.randomUUID(), "k-" + UUID.randomUUID()};
        long[] counters = new long[keys.length];
        AtomicInteger[] holders = {new AtomicInteger(), new AtomicInteger()};
        AtomicInteger maxHolders = new AtomicInteger();
        int sections = 2_400;

        List<Uni<Long>> all = new ArrayList<>();
        for (int i = 0; i < sections; i++) {
            int k = i % keys.length;
            LockFamily family = replicas.get(i % replicas.size());
            all.add(family.withLock(keys[k], LockMode.EXCLUSIVE, "increment", () -> {
                maxHolders.accumulateAndGet(holders[k].incrementAndGet(), Math::max);
                long read = counters[k];
                return Uni.createFrom().item(read).onItem().delayIt()
                        .by(Duration.ofMillis(ThreadLocalRandom.current().nextInt(2) + 1)).map(ignored -> {
                    counters[k] = read + 1;
                    holders[k].decrementAndGet();
                    return read + 1;
                });
            }));
        }
        Uni.join().all(all).andFailFast().await().atMost(Duration.ofSeconds(120));

        assertEquals(1, maxHolders.get(), "two holders of one key at once");
        assertEquals(sections, counters[0] + counters[1], "lost update");
        replicas.forEach(r -> assertEquals(0, r.size()));
        tiers.values().forEach(leases -> assertEquals(List.of(), leases.contended(), "a finished attempt is still a contender"));
    }

    /**
     * Story: replica A takes the lease and then freezes (its watchdog stops) past the ttl. B gets
     * the lease and writes with its newer fencing token. A wakes up and tries to write with its old
     * token: the fence in PostgreSQL refuses it.
     */
    @Test
    void staleHolder_afterItsLeaseExpired_isRefusedByTheFence() {
        LockFamily a = replica("a", Duration.ofMillis(800));
        LockFamily b = replica("b", Duration.ofSeconds(10));
        String user = "fenced-" + UUID.randomUUID();
        String resource = "memory:" + user;
        AtomicReference<Hold> aHold = new AtomicReference<>();
        var aWork = new java.util.concurrent.CompletableFuture<String>();
        a.withHold(user, LockMode.EXCLUSIVE, "write", hold -> {
            aHold.set(hold);
            return Uni.createFrom().completionStage(aWork);
        }).subscribe().with(ignored -> { }, ignored -> { });
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> aHold.get() != null);
        stopRenewing(a);

        Hold bHold = b.withHold(user, LockMode.EXCLUSIVE, "write", hold ->
                        pool.withTransaction(tx -> Fence.check(tx, resource, hold)).replaceWith(hold))
                .await().atMost(Duration.ofSeconds(20));
        assertTrue(bHold.fencingToken() > aHold.get().fencingToken());

        Throwable refused = assertThrows(RuntimeException.class, () ->
                pool.withTransaction(tx -> Fence.check(tx, resource, aHold.get())).await().atMost(Duration.ofSeconds(5)));
        assertInstanceOf(Fence.StaleHoldException.class, refused);
        aWork.complete("done");
    }

    @Test
    void redisStopped_acquisitionsFailWithTheBackendError_leaveNoLocalState_andWorkAfterRestart() throws Exception {
        assumeTrue(EmbeddedRedisControl.port().isPresent(), "only with the embedded Redis: an external one is not ours to stop");
        LockFamily family = replica("down", Duration.ofSeconds(10));
        String user = "outage-" + UUID.randomUUID();
        family.withLock(user, LockMode.EXCLUSIVE, "write", () -> Uni.createFrom().item(1)).await().atMost(Duration.ofSeconds(5));

        EmbeddedRedisControl.stop();
        try {
            Throwable failure = assertThrows(RuntimeException.class, () ->
                    family.withLock(user, LockMode.EXCLUSIVE, "write", () -> Uni.createFrom().item(2)).await().atMost(Duration.ofSeconds(20)));
            assertInstanceOf(LockBackendUnavailableException.class, failure);
            assertEquals("memory", ((LockBackendUnavailableException) failure).family());
            assertEquals(0, family.size(), "local state left behind");
            assertTrue(registries.get(family).get("zantara.lock.backend.errors").counter().count() >= 1);
        } finally {
            EmbeddedRedisControl.start();
        }

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
                family.withLock(user, LockMode.EXCLUSIVE, "write", () -> Uni.createFrom().item(3)).await().atMost(Duration.ofSeconds(5)) == 3);
        assertEquals(0, family.size());
    }

    /**
     * Eight requests for one key in one replica: the lease passes from local holder to local holder
     * (at most maxHandoffs times in a row), fencing tokens keep growing, and fewer fresh leases are
     * taken than holds made.
     */
    @Test
    void cohortHandoff_passesTheLeaseLocally_withinItsBound_andTokensKeepGrowing() {
        LockFamily family = replica("cohort", Duration.ofSeconds(10), 2);
        String user = "cohort-" + UUID.randomUUID();
        List<Long> tokens = java.util.Collections.synchronizedList(new ArrayList<>());

        List<Uni<Long>> holds = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            holds.add(family.withHold(user, LockMode.EXCLUSIVE, "write", hold -> {
                tokens.add(hold.fencingToken());
                return Uni.createFrom().item(hold.fencingToken()).onItem().delayIt().by(Duration.ofMillis(1));
            }));
        }
        Uni.join().all(holds).andFailFast().await().atMost(Duration.ofSeconds(30));

        assertEquals(8, tokens.size());
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), "tokens must grow: " + tokens);
        }
        long handedOn = tokens.stream().filter(t -> (t & 0xFFFF) > 0).count();
        assertTrue(handedOn > 0, "no handoff happened: " + tokens);
        assertTrue(tokens.stream().allMatch(t -> (t & 0xFFFF) <= 2), "more than 2 handoffs in a row: " + tokens);
        long freshLeases = tokens.stream().map(t -> t >>> 16).distinct().count();
        assertTrue(freshLeases < 8, "every hold took its own lease: " + tokens);
        assertEquals(0, family.size());
    }

    private void stopRenewing(LockFamily family) {
        tiers.get(family).stopRenewing();
    }
}
