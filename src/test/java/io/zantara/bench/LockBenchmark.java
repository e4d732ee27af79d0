package io.zantara.bench;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.shareddata.SharedData;
import io.zantara.lock.KeyedLock;
import io.zantara.lock.LockMode;
import io.zantara.lock.Permit;
import io.zantara.lock.SystemLockClock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Acquire+release cycles of this project's lock, of Vert.x local locks and of a blocking
 * {@code ConcurrentHashMap<String, ReentrantLock>}, measured in one run.
 *
 * <p>Every invocation runs a batch on one Vert.x event loop (where the service runs its locks, and
 * where Vert.x grants synchronously) and waits for it; the hop onto the loop is spread over the
 * batch. "Handoff" enqueues N waiters behind a holder and releases it: each waiter's grant
 * callback releases at once, handing on to the next. The score is per acquire+release cycle.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xss1m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class LockBenchmark {

    private static final int BATCH = 1_000;
    private static final int ROUNDS = 16;
    private static final String KEY = "alice@example.com";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Vertx vertx;
    private Context loop;
    private SystemLockClock clock;
    private KeyedLock lock;
    private SharedData shared;
    private final ConcurrentHashMap<String, ReentrantLock> blocking = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> entries = new ConcurrentHashMap<>();
    private static final Uni<Integer> IMMEDIATE = Uni.createFrom().item(1);

    /** Releases every permit it is given: a grant callback with no allocation of its own. */
    private static final UniSubscriber<Permit> RELEASE = new UniSubscriber<>() {
        @Override
        public void onSubscribe(UniSubscription subscription) {
        }

        @Override
        public void onItem(Permit permit) {
            permit.release();
        }

        @Override
        public void onFailure(Throwable failure) {
            throw new IllegalStateException(failure);
        }
    };

    private static final UniSubscriber<Integer> DISCARD = new UniSubscriber<>() {
        @Override
        public void onSubscribe(UniSubscription subscription) {
        }

        @Override
        public void onItem(Integer item) {
        }

        @Override
        public void onFailure(Throwable failure) {
            throw new IllegalStateException(failure);
        }
    };

    @Setup(Level.Trial)
    public void start() {
        vertx = Vertx.vertx();
        loop = vertx.getOrCreateContext();
        clock = new SystemLockClock("bench-timer");
        lock = new KeyedLock("bench", 10, clock);
        shared = vertx.sharedData();
    }

    @TearDown(Level.Trial)
    public void stop() {
        if (lock.size() != 0) {
            throw new IllegalStateException("lock not empty after the run: " + lock.snapshot());
        }
        clock.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void zantara_uncontended() throws InterruptedException {
        onLoop(done -> {
            for (int i = 0; i < BATCH; i++) {
                lock.acquire(KEY, LockMode.EXCLUSIVE, TIMEOUT).subscribe().withSubscriber(RELEASE);
            }
            done.run();
        });
    }

    /**
     * Floor 1 of an uncontended cycle: subscribing to a Mutiny Uni that emits at once, which every
     * {@code Uni<Permit>} acquisition pays and Vert.x's callback API does not.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void floor_mutinySubscribe() throws InterruptedException {
        onLoop(done -> {
            for (int i = 0; i < BATCH; i++) {
                IMMEDIATE.subscribe().withSubscriber(DISCARD);
            }
            done.run();
        });
    }

    /**
     * Floor 2: putting a key's entry into the map and removing it again, which a lock that keeps no
     * state for idle keys does once per uncontended cycle.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void floor_mapPutRemove() throws InterruptedException {
        onLoop(done -> {
            for (int i = 0; i < BATCH; i++) {
                entries.putIfAbsent(KEY, new Object());
                entries.computeIfPresent(KEY, (k, entry) -> null);
            }
            done.run();
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void vertx_uncontended() throws InterruptedException {
        onLoop(done -> {
            for (int i = 0; i < BATCH; i++) {
                shared.getLocalLockWithTimeout(KEY, TIMEOUT.toMillis(), ar -> ar.result().release());
            }
            done.run();
        });
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void reentrantLockMap_uncontended() throws InterruptedException {
        onLoop(done -> {
            for (int i = 0; i < BATCH; i++) {
                ReentrantLock l = blocking.computeIfAbsent(KEY, k -> new ReentrantLock());
                l.lock();
                l.unlock();
            }
            done.run();
        });
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS * 8)
    public void zantara_handoff_8() throws InterruptedException {
        onLoop(done -> zantaraHandoffs(8, done));
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS * 64)
    public void zantara_handoff_64() throws InterruptedException {
        onLoop(done -> zantaraHandoffs(64, done));
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS * 8)
    public void vertx_handoff_8() throws InterruptedException {
        onLoop(done -> vertxHandoffs(8, done));
    }

    @Benchmark
    @OperationsPerInvocation(ROUNDS * 64)
    public void vertx_handoff_64() throws InterruptedException {
        onLoop(done -> vertxHandoffs(64, done));
    }

    /** ROUNDS times: a holder, N waiters queued behind it, then the release that hands on N times. */
    private void zantaraHandoffs(int waiters, Runnable done) {
        int[] granted = {0};
        UniSubscriber<Permit> countAndRelease = new ReleasingCounter(granted);
        for (int round = 0; round < ROUNDS; round++) {
            AtomicReference<Permit> holder = new AtomicReference<>();
            lock.acquire(KEY, LockMode.EXCLUSIVE, TIMEOUT).subscribe().with(holder::set);
            for (int i = 0; i < waiters; i++) {
                lock.acquire(KEY, LockMode.EXCLUSIVE, TIMEOUT).subscribe().withSubscriber(countAndRelease);
            }
            holder.get().release();
        }
        check(granted[0], waiters);
        done.run();
    }

    private void vertxHandoffs(int waiters, Runnable done) {
        int[] granted = {0};
        for (int round = 0; round < ROUNDS; round++) {
            AtomicReference<Lock> holder = new AtomicReference<>();
            shared.getLocalLockWithTimeout(KEY, TIMEOUT.toMillis(), ar -> holder.set(ar.result()));
            for (int i = 0; i < waiters; i++) {
                shared.getLocalLockWithTimeout(KEY, TIMEOUT.toMillis(), ar -> {
                    granted[0]++;
                    ar.result().release();
                });
            }
            holder.get().release();
        }
        check(granted[0], waiters);
        done.run();
    }

    /** Both locks grant synchronously on the loop, so every round is over when release returns. */
    private static void check(int granted, int waiters) {
        if (granted != ROUNDS * waiters) {
            throw new IllegalStateException("expected " + ROUNDS * waiters + " grants, saw " + granted);
        }
    }

    private record ReleasingCounter(int[] granted) implements UniSubscriber<Permit> {
        @Override
        public void onSubscribe(UniSubscription subscription) {
        }

        @Override
        public void onItem(Permit permit) {
            granted[0]++;
            permit.release();
        }

        @Override
        public void onFailure(Throwable failure) {
            throw new IllegalStateException(failure);
        }
    }

    private void onLoop(Consumer<Runnable> batch) throws InterruptedException {
        CountDownLatch finished = new CountDownLatch(1);
        loop.runOnContext(ignored -> batch.accept(finished::countDown));
        if (!finished.await(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("batch did not finish");
        }
    }
}
