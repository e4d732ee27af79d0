package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Platform threads and Vert.x event-loop tasks hammer a few keys with mixed modes, short and long
 * timeouts, synchronous and asynchronous critical sections, and random cancellations. The
 * invariants are checked inside the critical sections; afterwards the lock must be empty.
 */
class KeyedLockStressTest {

    private static final int CAP = 3;
    private static final String[] KEYS = {"k0", "k1", "k2"};
    private static final int THREADS = 6;
    private static final int OPS_PER_THREAD = 1_000;

    private final SystemLockClock clock = new SystemLockClock("stress-timer");
    private final KeyedLock lock = new KeyedLock("stress", CAP, clock);
    private final Vertx vertx = Vertx.vertx();
    private final ExecutorService completer = Executors.newFixedThreadPool(2);

    private final AtomicInteger[] exclusiveHolders = counters();
    private final AtomicInteger[] sharedHolders = counters();
    private final long[] unguardedCounters = new long[KEYS.length];
    private final AtomicLong exclusiveSections = new AtomicLong();
    private final AtomicInteger maxShared = new AtomicInteger();
    private final AtomicInteger violations = new AtomicInteger();
    private final AtomicInteger crashes = new AtomicInteger();
    private final AtomicInteger unexpectedFailures = new AtomicInteger();
    private final AtomicReference<Throwable> firstUnexpected = new AtomicReference<>();

    /**
     * Mutiny's context propagation initialises SmallRye's provider lazily and not thread-safely
     * outside Quarkus: the first concurrent uses can throw "ContextManagerProvider already set".
     * One use on this thread first keeps that start-up race out of the workload.
     */
    @BeforeAll
    static void initialiseMutinyInfrastructure() {
        Uni.createFrom().item(1).onTermination().invoke(() -> { }).await().indefinitely();
    }

    @AfterEach
    void stop() {
        completer.shutdownNow();
        vertx.close();
        clock.close();
    }

    @RepeatedTest(3)
    void mixedWorkload_keepsExclusionCapAndCounts_andLeavesNothingBehind() throws InterruptedException {
        int total = THREADS * OPS_PER_THREAD * 2;
        CountDownLatch finished = new CountDownLatch(total);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < THREADS; t++) {
            Thread thread = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < OPS_PER_THREAD; i++) {
                    operation(finished);
                    vertx.runOnContext(ignored -> operation(finished));
                }
            });
            thread.setUncaughtExceptionHandler((dead, failure) -> crashes.incrementAndGet());
            thread.start();
        }
        start.countDown();

        assertTrue(finished.await(60, TimeUnit.SECONDS) || crashes.get() > 0, "operations did not all finish: " + finished.getCount()
                + " left; lock: " + lock.snapshot() + " waiting " + lock.waiting());
        assertEquals(0, crashes.get(), "a worker thread died");
        await().atMost(Duration.ofSeconds(10)).until(() -> lock.size() == 0);
        assertEquals(0, unexpectedFailures.get(), () -> "unexpected failure: " + firstUnexpected.get());
        assertEquals(0, violations.get(), "exclusion or reader cap broken");
        long sum = 0;
        for (long c : unguardedCounters) {
            sum += c;
        }
        assertEquals(exclusiveSections.get(), sum, "lost update inside exclusive sections");
        assertTrue(exclusiveSections.get() > 0);
        assertTrue(maxShared.get() > 1, "readers never overlapped; the test did not exercise sharing");
        assertEquals(0, lock.waiting());
    }

    private void operation(CountDownLatch finished) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int k = random.nextInt(KEYS.length);
        LockMode mode = random.nextInt(3) == 0 ? LockMode.EXCLUSIVE : LockMode.SHARED;
        Duration timeout = switch (random.nextInt(4)) {
            case 0 -> Duration.ZERO;
            case 1 -> Duration.ofNanos(200_000);
            default -> Duration.ofSeconds(30);
        };
        boolean async = random.nextBoolean();
        Cancellable subscription = lock.withLock(KEYS[k], mode, timeout, () -> criticalSection(k, mode, async))
                .onTermination().invoke(finished::countDown)
                .subscribe().with(ignored -> { }, failure -> {
                    if (!(failure instanceof LockTimeoutException)) {
                        unexpectedFailures.incrementAndGet();
                        firstUnexpected.compareAndSet(null, failure);
                    }
                });
        if (random.nextInt(10) == 0) {
            completer.execute(subscription::cancel);
        }
    }

    private Uni<Integer> criticalSection(int k, LockMode mode, boolean async) {
        enter(k, mode);
        if (mode == LockMode.EXCLUSIVE) {
            unguardedCounters[k]++;
            exclusiveSections.incrementAndGet();
        }
        Uni<Integer> work = Uni.createFrom().item(k);
        if (async) {
            work = work.emitOn(completer);
        }
        // Leave the section before the release: the release is the last thing the holder does.
        return work.onTermination().invoke(() -> exit(k, mode));
    }

    private void enter(int k, LockMode mode) {
        if (mode == LockMode.EXCLUSIVE) {
            if (exclusiveHolders[k].incrementAndGet() != 1 || sharedHolders[k].get() != 0) {
                violations.incrementAndGet();
            }
        } else {
            int readers = sharedHolders[k].incrementAndGet();
            maxShared.accumulateAndGet(readers, Math::max);
            if (readers > CAP || exclusiveHolders[k].get() != 0) {
                violations.incrementAndGet();
            }
        }
    }

    private void exit(int k, LockMode mode) {
        if (mode == LockMode.EXCLUSIVE) {
            exclusiveHolders[k].decrementAndGet();
        } else {
            sharedHolders[k].decrementAndGet();
        }
    }

    private static AtomicInteger[] counters() {
        AtomicInteger[] counters = new AtomicInteger[KEYS.length];
        for (int i = 0; i < counters.length; i++) {
            counters[i] = new AtomicInteger();
        }
        return counters;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
