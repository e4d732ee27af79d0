package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.zantara.lock.LockMode.EXCLUSIVE;
import static io.zantara.lock.LockMode.SHARED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyedLockTest {

    private static final Duration LONG = Duration.ofSeconds(5);

    private final ManualLockClock clock = new ManualLockClock();
    private final KeyedLock lock = new KeyedLock("test", 2, clock);

    private UniAssertSubscriber<Permit> request(String key, LockMode mode) {
        return lock.acquire(key, mode, LONG).subscribe().withSubscriber(UniAssertSubscriber.create());
    }

    private Permit granted(UniAssertSubscriber<Permit> subscriber) {
        return subscriber.assertCompleted().getItem();
    }

    @Test
    void acquire_freeKey_grantsAtOnceWithZeroWait() {
        Permit permit = granted(request("a", EXCLUSIVE));

        assertEquals("a", permit.key());
        assertEquals(EXCLUSIVE, permit.mode());
        assertEquals(0, permit.waitedNanos());
        assertEquals(1, lock.size());
        permit.release();
        assertEquals(0, lock.size());
    }

    @Test
    void acquire_isLazy_nothingHappensBeforeSubscription() {
        Uni<Permit> uni = lock.acquire("a", EXCLUSIVE, LONG);

        assertEquals(0, lock.size());
        granted(uni.subscribe().withSubscriber(UniAssertSubscriber.create())).release();
        granted(uni.subscribe().withSubscriber(UniAssertSubscriber.create())).release();
        assertEquals(0, lock.size());
    }

    @Test
    void exclusive_whileHeld_secondExclusiveWaitsUntilRelease() {
        Permit first = granted(request("a", EXCLUSIVE));
        UniAssertSubscriber<Permit> second = request("a", EXCLUSIVE);

        second.assertNotTerminated();
        assertEquals(1, lock.waiting());
        clock.advance(Duration.ofMillis(30));
        first.release();

        Permit next = granted(second);
        assertEquals(Duration.ofMillis(30).toNanos(), next.waitedNanos());
        next.release();
        assertEquals(0, lock.size());
    }

    @Test
    void shared_underCap_holdTogether_andExclusiveWaitsForAllOfThem() {
        Permit r1 = granted(request("a", SHARED));
        Permit r2 = granted(request("a", SHARED));
        UniAssertSubscriber<Permit> writer = request("a", EXCLUSIVE);

        writer.assertNotTerminated();
        r1.release();
        writer.assertNotTerminated();
        r2.release();
        granted(writer).release();
        assertEquals(0, lock.size());
    }

    @Test
    void shared_overCap_waitsUntilAReaderLeaves() {
        Permit r1 = granted(request("a", SHARED));
        granted(request("a", SHARED));
        UniAssertSubscriber<Permit> third = request("a", SHARED);

        third.assertNotTerminated();
        r1.release();
        third.assertCompleted();
    }

    @Test
    void shared_whileExclusiveHeld_waits() {
        Permit writer = granted(request("a", EXCLUSIVE));
        UniAssertSubscriber<Permit> reader = request("a", SHARED);

        reader.assertNotTerminated();
        writer.release();
        reader.assertCompleted();
    }

    @Test
    @DisplayName("A waiting writer stops later readers from overtaking it, though the readers could share")
    void shared_behindWaitingWriter_doesNotOvertakeIt() {
        Permit reader = granted(request("a", SHARED));
        UniAssertSubscriber<Permit> writer = request("a", EXCLUSIVE);
        UniAssertSubscriber<Permit> lateReader = request("a", SHARED);

        writer.assertNotTerminated();
        lateReader.assertNotTerminated();
        reader.release();
        Permit w = granted(writer);
        lateReader.assertNotTerminated();
        w.release();
        lateReader.assertCompleted();
    }

    @Test
    void grants_followRequestOrder_perKey() {
        Permit holder = granted(request("a", EXCLUSIVE));
        List<String> order = new ArrayList<>();
        String[] names = {"w1", "r1", "r2", "w2", "r3"};
        LockMode[] modes = {EXCLUSIVE, SHARED, SHARED, EXCLUSIVE, SHARED};
        List<UniAssertSubscriber<Permit>> waiters = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            String label = names[i];
            waiters.add(lock.acquire("a", modes[i], LONG).invoke(p -> order.add(label))
                    .subscribe().withSubscriber(UniAssertSubscriber.create()));
        }

        holder.release();
        assertEquals(List.of("w1"), order);
        granted(waiters.get(0)).release();
        assertEquals(List.of("w1", "r1", "r2"), order);
        granted(waiters.get(1)).release();
        granted(waiters.get(2)).release();
        assertEquals(List.of("w1", "r1", "r2", "w2"), order);
        granted(waiters.get(3)).release();
        assertEquals(List.of("w1", "r1", "r2", "w2", "r3"), order);
        granted(waiters.get(4)).release();
        assertEquals(0, lock.size());
    }

    @Test
    void keys_areIndependent() {
        granted(request("a", EXCLUSIVE));

        request("b", EXCLUSIVE).assertCompleted();
        assertEquals(2, lock.size());
    }

    @Test
    void acquire_notGrantedInTime_failsNamingKeyModeWaitAndTimeout() {
        Permit holder = granted(request("alice", EXCLUSIVE));
        UniAssertSubscriber<Permit> waiter = lock.acquire("alice", SHARED, Duration.ofMillis(500))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        clock.advance(Duration.ofMillis(499));
        waiter.assertNotTerminated();
        clock.advance(Duration.ofMillis(1));

        LockTimeoutException failure = (LockTimeoutException) waiter.assertFailedWith(LockTimeoutException.class).getFailure();
        assertEquals("alice", failure.key());
        assertEquals(SHARED, failure.mode());
        assertEquals(Duration.ofMillis(500), failure.waited());
        assertEquals(Duration.ofMillis(500), failure.timeout());
        assertTrue(failure.getMessage().contains("alice") && failure.getMessage().contains("SHARED"));
        assertEquals(0, lock.waiting());
        holder.release();
        assertEquals(0, lock.size());
    }

    @Test
    void acquire_timedOutWriterAtHead_letsTheReadersBehindItIn() {
        Permit reader = granted(request("a", SHARED));
        lock.acquire("a", EXCLUSIVE, Duration.ofMillis(100)).subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Permit> lateReader = request("a", SHARED);
        lateReader.assertNotTerminated();

        clock.advance(Duration.ofMillis(100));

        lateReader.assertCompleted();
        reader.release();
        granted(lateReader).release();
        assertEquals(0, lock.size());
    }

    @Test
    void acquire_zeroTimeout_grantsOnlyIfFreeNow() {
        Permit holder = granted(request("a", EXCLUSIVE));

        lock.acquire("a", EXCLUSIVE, Duration.ZERO).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(LockTimeoutException.class);
        holder.release();
        granted(lock.acquire("a", EXCLUSIVE, Duration.ZERO).subscribe().withSubscriber(UniAssertSubscriber.create())).release();
        assertEquals(0, lock.size());
    }

    @Test
    void acquire_grantedAtOnce_armsNoTimer_andGrantCancelsTheTimer() {
        Permit holder = granted(request("a", EXCLUSIVE));
        assertEquals(0, clock.pendingTimers());
        UniAssertSubscriber<Permit> waiter = request("a", EXCLUSIVE);
        assertEquals(1, clock.pendingTimers());

        holder.release();

        granted(waiter);
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void acquire_invalidArguments_failEagerly() {
        assertThrows(IllegalArgumentException.class, () -> lock.acquire("a", EXCLUSIVE, Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> lock.acquire(null, EXCLUSIVE, LONG));
        assertThrows(NullPointerException.class, () -> lock.acquire("a", null, LONG));
        assertThrows(IllegalArgumentException.class, () -> new KeyedLock("x", 0, clock));
    }

    @Test
    void cancel_waitingAcquisition_leavesTheQueue() {
        Permit holder = granted(request("a", EXCLUSIVE));
        UniAssertSubscriber<Permit> waiter = request("a", EXCLUSIVE);
        assertEquals(1, lock.waiting());

        waiter.cancel();

        assertEquals(0, lock.waiting());
        assertEquals(0, clock.pendingTimers());
        holder.release();
        waiter.assertNotTerminated();
        assertEquals(0, lock.size());
    }

    @Test
    void cancel_waiterInTheMiddle_keepsTheOthersInOrder() {
        Permit holder = granted(request("a", EXCLUSIVE));
        UniAssertSubscriber<Permit> first = request("a", EXCLUSIVE);
        UniAssertSubscriber<Permit> middle = request("a", EXCLUSIVE);
        UniAssertSubscriber<Permit> last = request("a", EXCLUSIVE);

        middle.cancel();
        holder.release();
        granted(first).release();

        granted(last).release();
        middle.assertNotTerminated();
        assertEquals(0, lock.size());
    }

    @Test
    void release_isIdempotent() {
        Permit holder = granted(request("a", SHARED));
        Permit other = granted(request("a", SHARED));

        holder.release();
        holder.release();

        assertTrue(holder.isReleased());
        assertFalse(other.isReleased());
        assertEquals(1, lock.size(), "a second release must not release someone else's hold");
        UniAssertSubscriber<Permit> writer = request("a", EXCLUSIVE);
        writer.assertNotTerminated();
        other.release();
        writer.assertCompleted();
    }

    @Test
    void release_fromAnotherThread_handsOn() throws InterruptedException {
        Permit holder = granted(request("a", EXCLUSIVE));
        UniAssertSubscriber<Permit> waiter = request("a", EXCLUSIVE);

        Thread other = new Thread(holder::release);
        other.start();
        other.join();

        waiter.awaitItem(Duration.ofSeconds(5));
    }

    @Test
    void snapshot_showsHoldersAndWaitersWithOwnersAndAges() {
        lock.acquire("a", EXCLUSIVE, LONG, "save-facts").subscribe().withSubscriber(UniAssertSubscriber.create());
        clock.advance(Duration.ofMillis(40));
        lock.acquire("a", SHARED, LONG, "get-context").subscribe().withSubscriber(UniAssertSubscriber.create());
        clock.advance(Duration.ofMillis(10));

        List<KeySnapshot> snapshot = lock.snapshot();

        assertEquals(1, snapshot.size());
        KeySnapshot a = snapshot.get(0);
        assertEquals("a", a.key());
        assertEquals(List.of(new KeySnapshot.Claim(EXCLUSIVE, "save-facts", Duration.ofMillis(50))), a.holders());
        assertEquals(List.of(new KeySnapshot.Claim(SHARED, "get-context", Duration.ofMillis(10))), a.waiters());
        assertEquals(Duration.ofMillis(50), a.oldestHold());
    }

    @Test
    void withLock_releasesAfterItem() {
        String result = lock.withLock("a", EXCLUSIVE, LONG, () -> Uni.createFrom().item("done"))
                .await().indefinitely();

        assertEquals("done", result);
        assertEquals(0, lock.size());
    }

    @Test
    void withLock_releasesAfterFailure() {
        UniAssertSubscriber<Object> subscriber = lock.withLock("a", EXCLUSIVE, LONG,
                        () -> Uni.createFrom().failure(new IllegalStateException("boom")))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        subscriber.assertFailedWith(IllegalStateException.class, "boom");
        assertEquals(0, lock.size());
    }

    @Test
    void withLock_releasesWhenTheActionThrowsOrReturnsNull() {
        lock.withLock("a", EXCLUSIVE, LONG, () -> {
            throw new IllegalArgumentException("thrown");
        }).subscribe().withSubscriber(UniAssertSubscriber.create()).assertFailedWith(IllegalArgumentException.class);
        lock.withLock("a", EXCLUSIVE, LONG, () -> null)
                .subscribe().withSubscriber(UniAssertSubscriber.create()).assertFailedWith(NullPointerException.class);

        assertEquals(0, lock.size());
    }

    /**
     * A cancelled caller must not let the next holder in while its work (say, a SQL statement in
     * flight) is still running: the work finishes, unobserved, and then the key is released.
     */
    @Test
    void withLock_cancelledDuringTheAction_keepsTheKeyUntilTheWorkEnds() {
        AtomicBoolean actionCancelled = new AtomicBoolean();
        AtomicReference<UniEmitter<? super String>> work = new AtomicReference<>();
        UniAssertSubscriber<String> subscriber = lock.withLock("a", EXCLUSIVE, LONG,
                        () -> Uni.createFrom().<String>emitter(work::set).onCancellation().invoke(() -> actionCancelled.set(true)))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Permit> next = request("a", EXCLUSIVE);

        subscriber.cancel();

        assertFalse(actionCancelled.get());
        next.assertNotTerminated();
        work.get().complete("written");
        subscriber.assertNotTerminated();
        granted(next).release();
        assertEquals(0, lock.size());
    }

    @Test
    void withLock_cancelledWhileWaiting_neverRunsTheAction() {
        Permit holder = granted(request("a", EXCLUSIVE));
        AtomicInteger runs = new AtomicInteger();
        UniAssertSubscriber<Object> subscriber = lock.withLock("a", EXCLUSIVE, LONG, () -> {
            runs.incrementAndGet();
            return Uni.createFrom().item("x");
        }).subscribe().withSubscriber(UniAssertSubscriber.create());

        subscriber.cancel();
        holder.release();

        assertEquals(0, runs.get());
        assertEquals(0, lock.size());
    }

    @Test
    void withLock_timesOut_withoutRunningTheAction() {
        Permit holder = granted(request("a", EXCLUSIVE));
        AtomicInteger runs = new AtomicInteger();
        UniAssertSubscriber<Object> subscriber = lock.withLock("a", EXCLUSIVE, Duration.ofSeconds(1), () -> {
            runs.incrementAndGet();
            return Uni.createFrom().item("x");
        }).subscribe().withSubscriber(UniAssertSubscriber.create());

        clock.advance(Duration.ofSeconds(1));

        subscriber.assertFailedWith(LockTimeoutException.class);
        assertEquals(0, runs.get());
        holder.release();
        assertEquals(0, lock.size());
    }

    /**
     * Each holder's continuation releases synchronously, which grants the next waiter, whose
     * continuation releases... Delivered by recursion this chain would need 100k stack frames.
     */
    @Test
    void handoffChain_of100kWaiters_completesInOrderWithoutStackOverflow() {
        int chain = 100_000;
        Permit holder = granted(request("hot", EXCLUSIVE));
        int[] next = {0};
        AtomicInteger outOfOrder = new AtomicInteger();
        List<UniAssertSubscriber<Integer>> subscribers = new ArrayList<>(chain);
        for (int i = 0; i < chain; i++) {
            int index = i;
            subscribers.add(lock.withLock("hot", EXCLUSIVE, LONG, () -> {
                if (next[0]++ != index) {
                    outOfOrder.incrementAndGet();
                }
                return Uni.createFrom().item(index);
            }).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }

        holder.release();

        assertEquals(chain, next[0]);
        assertEquals(0, outOfOrder.get());
        subscribers.get(chain - 1).assertItem(chain - 1);
        assertEquals(0, lock.size());
        assertEquals(0, lock.waiting());
    }

    /**
     * The Vert.x failure mode: a callback-style loop whose grant callback releases and asks again.
     * With synchronous grants each turn nests inside the previous callback; here every grant made
     * during a delivery waits for the outer delivery loop, so the stack does not grow.
     */
    @Test
    void callbackLoop_reacquiring100kTimes_runsInConstantStack() {
        AtomicInteger turns = new AtomicInteger();
        AtomicInteger deepest = new AtomicInteger();

        loop(100_000, turns, deepest);

        assertEquals(100_000, turns.get());
        assertTrue(deepest.get() < 200, "stack grew to " + deepest.get() + " frames");
        assertEquals(0, lock.size());
    }

    private void loop(int remaining, AtomicInteger turns, AtomicInteger deepest) {
        if (remaining == 0) {
            return;
        }
        lock.acquire("r", EXCLUSIVE, LONG).subscribe().with(permit -> {
            if (turns.incrementAndGet() % 1000 == 0) {
                deepest.accumulateAndGet(Thread.currentThread().getStackTrace().length, Math::max);
            }
            permit.release();
            loop(remaining - 1, turns, deepest);
        });
    }

    @Test
    void permit_deliveredToTheSubscriberThatAskedForIt() {
        Permit holder = granted(request("a", EXCLUSIVE));
        UniAssertSubscriber<Permit> waiter = request("a", EXCLUSIVE);

        holder.release();

        Permit permit = granted(waiter);
        assertSame(permit, waiter.getItem());
        assertNull(lock.snapshot().get(0).holders().get(0).owner());
    }
}
