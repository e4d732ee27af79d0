package io.zantara.lock;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.zantara.lock.redis.RedisLeases;
import org.redisson.Redisson;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load driver (not JMH: it reports throughput and latency percentiles) for the Redis lock tier,
 * Redisson's {@code RLock} and the two-round-trip floor ({@code SET NX PX} + a Lua release), in one
 * run against one Redis. Prints a Markdown table.
 *
 * <pre>./mvnw -Pbench test-compile exec:exec -Dbench.main=io.zantara.lock.RedisLockBenchmark -Dbench=redis://127.0.0.1:6379</pre>
 */
public final class RedisLockBenchmark {

    private static final int CYCLES = 3_000;
    private static final int CONCURRENT = 8;
    private static final int HANDOFFS = 300;
    private static final String RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private final Vertx vertx = Vertx.vertx();
    private final String url;

    private RedisLockBenchmark(String url) {
        this.url = url;
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 && args[0].startsWith("redis://") ? args[0] : "redis://127.0.0.1:6379";
        new RedisLockBenchmark(url).run();
        System.exit(0);
    }

    private void run() throws Exception {
        System.out.println("| what | cycles/s | p50 µs | p99 µs |");
        System.out.println("|---|---:|---:|---:|");
        floor();
        zantaraSequential();
        redissonSequentialAndConcurrent();
        zantaraConcurrent();
        crossReplicaHandoff();
    }

    private void floor() {
        Redis client = Redis.createClient(vertx, url);
        String sha = client.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(RELEASE)).await().indefinitely().toString();
        String key = "bench:floor:" + UUID.randomUUID();
        Runnable cycle = () -> {
            String token = UUID.randomUUID().toString();
            client.send(Request.cmd(Command.SET).arg(key).arg(token).arg("NX").arg("PX").arg(10_000)).await().indefinitely();
            client.send(Request.cmd(Command.EVALSHA).arg(sha).arg(1).arg(key).arg(token)).await().indefinitely();
        };
        report("floor: `SET NX PX` + Lua release, sequential", sequential(cycle));
        client.close();
    }

    private void zantaraSequential() {
        Replica replica = replica("seq");
        String key = "seq-" + UUID.randomUUID();
        report("zantara lock (Redis backend), sequential", sequential(() ->
                replica.family.withLock(key, LockMode.EXCLUSIVE, "bench", () -> Uni.createFrom().item(1)).await().indefinitely()));
        replica.close();
    }

    private void redissonSequentialAndConcurrent() throws InterruptedException {
        Config config = new Config();
        config.useSingleServer().setAddress(url);
        RedissonClient redisson = Redisson.create(config);
        RLock lock = redisson.getLock("bench:redisson:" + UUID.randomUUID());
        report("Redisson 4.0.0 `lock()`/`unlock()`, sequential", sequential(() -> {
            lock.lock();
            lock.unlock();
        }));
        long[] latencies = new long[CYCLES];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(CONCURRENT);
        long start = System.nanoTime();
        for (int t = 0; t < CONCURRENT; t++) {
            new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < CYCLES) {
                    long began = System.nanoTime();
                    lock.lock();
                    lock.unlock();
                    latencies[i] = System.nanoTime() - began;
                }
                done.countDown();
            }).start();
        }
        done.await(10, TimeUnit.MINUTES);
        report("Redisson, " + CONCURRENT + " threads on one key", new Result(System.nanoTime() - start, latencies));
        redisson.shutdown();
    }

    private void zantaraConcurrent() throws InterruptedException {
        Replica replica = replica("conc");
        String key = "conc-" + UUID.randomUUID();
        concurrentRound(replica, key); // warm-up
        report("zantara lock, " + CONCURRENT + " concurrent requests on one key (cohort handoff)", concurrentRound(replica, key));
        replica.close();
    }

    private Result concurrentRound(Replica replica, String key) throws InterruptedException {
        long[] latencies = new long[CYCLES];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(CONCURRENT);
        long start = System.nanoTime();
        for (int c = 0; c < CONCURRENT; c++) {
            loop(replica.family, key, latencies, next, done);
        }
        done.await(10, TimeUnit.MINUTES);
        return new Result(System.nanoTime() - start, latencies);
    }

    /** One client: a request, and when it completes the next one, until the cycles are used up. */
    private static void loop(LockFamily family, String key, long[] latencies, AtomicInteger next, CountDownLatch done) {
        int i = next.getAndIncrement();
        if (i >= latencies.length) {
            done.countDown();
            return;
        }
        long began = System.nanoTime();
        family.withLock(key, LockMode.EXCLUSIVE, "bench", () -> Uni.createFrom().item(1)).subscribe().with(ignored -> {
            latencies[i] = System.nanoTime() - began;
            loop(family, key, latencies, next, done);
        }, failure -> {
            failure.printStackTrace();
            done.countDown();
        });
    }

    /** A holds; B waits in Redis; A releases: time from A's release until B runs. */
    private void crossReplicaHandoff() throws Exception {
        Replica a = replica("a");
        Replica b = replica("b");
        String key = "handoff-" + UUID.randomUUID();
        long[] latencies = new long[HANDOFFS];
        long start = System.nanoTime();
        for (int i = 0; i < HANDOFFS; i++) {
            CompletableFuture<Integer> aWork = new CompletableFuture<>();
            CountDownLatch aHolds = new CountDownLatch(1);
            a.family.withLock(key, LockMode.EXCLUSIVE, "bench", () -> {
                aHolds.countDown();
                return Uni.createFrom().completionStage(aWork);
            }).subscribe().with(ignored -> { });
            aHolds.await();
            AtomicLong bRuns = new AtomicLong();
            CompletableFuture<Integer> bDone = b.family.withLock(key, LockMode.EXCLUSIVE, "bench", () -> {
                bRuns.set(System.nanoTime());
                return Uni.createFrom().item(1);
            }).subscribeAsCompletionStage();
            Thread.sleep(3); // let B's first try fail, so that it waits for the release message
            long released = System.nanoTime();
            aWork.complete(1);
            bDone.get(10, TimeUnit.SECONDS);
            latencies[i] = bRuns.get() - released;
        }
        report("cross-replica handoff (A releases → B runs)", new Result(System.nanoTime() - start, latencies));
        a.close();
        b.close();
    }

    private record Replica(LockFamily family, RedisLeases leases, SystemLockClock clock, Redis client) {
        void close() {
            leases.close();
            clock.close();
            client.close();
        }
    }

    private Replica replica(String id) {
        Redis client = Redis.createClient(vertx, url);
        SystemLockClock clock = new SystemLockClock("bench-" + id);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RedisLeases leases = new RedisLeases(client, id + "-" + UUID.randomUUID(), Duration.ofSeconds(15),
                Duration.ofSeconds(1), clock, registry).start();
        KeyedLock lock = new KeyedLock("memory", 10, clock);
        LockFamily family = new LockFamily("memory", Duration.ofSeconds(30), lock,
                new FamilyMetrics(registry, "memory", "user_id", new KeyLabels(LabelPolicy.RAW, 100), lock), clock,
                new LeaseCohort("memory", leases, clock, 32, Duration.ofMillis(200), registry));
        return new Replica(family, leases, clock, client);
    }

    private record Result(long elapsedNanos, long[] latencies) {
    }

    private static Result sequential(Runnable cycle) {
        for (int i = 0; i < CYCLES / 3; i++) {
            cycle.run(); // warm-up
        }
        long[] latencies = new long[CYCLES];
        long start = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            long began = System.nanoTime();
            cycle.run();
            latencies[i] = System.nanoTime() - began;
        }
        return new Result(System.nanoTime() - start, latencies);
    }

    private static void report(String what, Result result) {
        long[] sorted = result.latencies().clone();
        Arrays.sort(sorted);
        double perSecond = sorted.length / (result.elapsedNanos() / 1e9);
        System.out.printf("| %s | %,.0f | %,.0f | %,.0f |%n", what, perSecond,
                sorted[sorted.length / 2] / 1e3, sorted[(int) (sorted.length * 0.99)] / 1e3);
    }
}
