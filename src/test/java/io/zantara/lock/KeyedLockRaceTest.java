package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.zantara.lock.LockMode.EXCLUSIVE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Races between a grant and a cancellation or timeout, each run many times from a start latch. */
class KeyedLockRaceTest {

    private final SystemLockClock clock = new SystemLockClock("race-timer");
    private final KeyedLock lock = new KeyedLock("race", 4, clock);

    @AfterEach
    void closeClock() {
        clock.close();
    }

    /**
     * Story: the holder releases (granting the waiter) on one thread while the waiter's subscriber
     * cancels on another. Whoever wins, the key must end up free: either the waiter got the permit
     * (and the test releases it) or the grant was handed on.
     */
    @RepeatedTest(300)
    void cancelRacingTheGrant_neverLeaksTheKey() throws InterruptedException {
        Permit holder = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        UniAssertSubscriber<Permit> waiter = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        race(holder::release, waiter::cancel);

        Permit granted = waiter.getItem();
        if (granted != null) {
            granted.release();
        }
        assertFreeAndClean();
    }

    @RepeatedTest(300)
    void cancelRacingTheGrant_withLock_neverLeaksTheKey() throws InterruptedException {
        Permit holder = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        UniAssertSubscriber<String> guarded = lock.withLock("k", EXCLUSIVE, Duration.ofSeconds(5),
                        () -> Uni.createFrom().item("done"))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        race(holder::release, guarded::cancel);

        assertFreeAndClean();
    }

    /** Story: the timeout fires on the timer thread just as the holder's release grants the waiter. */
    @RepeatedTest(300)
    void timeoutRacingTheGrant_eitherGrantsOrFails_andNeverLeaks() throws InterruptedException {
        Permit holder = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        UniAssertSubscriber<Permit> waiter = lock.acquire("k", EXCLUSIVE, Duration.ofNanos(200_000))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        holder.release();
        await().atMost(Duration.ofSeconds(5)).until(() -> waiter.getItem() != null || waiter.getFailure() != null);

        if (waiter.getFailure() == null) {
            waiter.getItem().release();
        } else {
            assertTrue(waiter.getFailure() instanceof LockTimeoutException, waiter.getFailure().toString());
        }
        assertFreeAndClean();
    }

    /**
     * Story: two threads release the same permit at once while two writers queue behind it. Only
     * one release may count: a second one taking effect would free the key under the first writer
     * and let the second writer in beside it.
     */
    @RepeatedTest(300)
    void releaseRacingRelease_handsTheKeyOnOnce() throws InterruptedException {
        Permit holder = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        UniAssertSubscriber<Permit> first = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Permit> second = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        race(holder::release, holder::release);

        first.assertCompleted();
        second.assertNotTerminated();
        assertEquals(1, lock.waiting());
        assertTrue(holder.isReleased());
        first.getItem().release();
        second.assertCompleted().getItem().release();
        assertFreeAndClean();
    }

    /**
     * Story: a writer subscribes on one thread while the holder releases on another, so the grant
     * can reach the writer while its own subscribe call is still returning. The delivered hold is
     * the writer's until it releases it: nothing on the subscribing side may give it back.
     */
    @RepeatedTest(300)
    void subscribeRacingTheRelease_keepsTheDeliveredHold() throws InterruptedException {
        Permit holder = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        AtomicReference<UniAssertSubscriber<Permit>> waiter = new AtomicReference<>();

        race(holder::release, () -> waiter.set(lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5))
                .subscribe().withSubscriber(UniAssertSubscriber.create())));

        Permit granted = waiter.get().awaitItem(Duration.ofSeconds(5)).getItem();
        assertFalse(granted.isReleased(), "the delivered hold was given back under its holder");
        lock.acquire("k", EXCLUSIVE, Duration.ZERO).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertFailedWith(LockTimeoutException.class);
        granted.release();
        assertFreeAndClean();
    }

    /**
     * Story: the subscriber cancels from another thread as soon as it has its subscription, while
     * the request is still on its way into the queue. The request must not stay queued: once the
     * holder releases, the key is free.
     */
    @RepeatedTest(300)
    void cancelRacingTheQueueing_neverLeavesTheRequestQueued() throws InterruptedException {
        Permit holder = lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).await().atMost(Duration.ofSeconds(1));
        CancelOnSubscribe subscriber = new CancelOnSubscribe();

        race(() -> lock.acquire("k", EXCLUSIVE, Duration.ofSeconds(5)).subscribe().withSubscriber(subscriber),
                subscriber::cancelOnceSubscribed);

        assertEquals(0, lock.waiting(), "cancelled request still queued: " + lock.snapshot());
        holder.release();
        assertFalse(subscriber.granted, "a cancelled request was granted the key");
        assertFreeAndClean();
    }

    /** Hands its subscription to another thread, which cancels it while subscribe is still running. */
    private static final class CancelOnSubscribe implements UniSubscriber<Permit> {
        private final CountDownLatch subscribed = new CountDownLatch(1);
        private volatile UniSubscription subscription;
        private volatile boolean granted;

        @Override
        public void onSubscribe(UniSubscription subscription) {
            this.subscription = subscription;
            subscribed.countDown();
        }

        @Override
        public void onItem(Permit permit) {
            granted = true;
            permit.release();
        }

        @Override
        public void onFailure(Throwable failure) {
        }

        void cancelOnceSubscribed() {
            try {
                subscribed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            subscription.cancel();
        }
    }

    private void assertFreeAndClean() {
        assertEquals(0, lock.size(), "key still present: " + lock.snapshot());
        assertEquals(0, lock.waiting());
        Permit again = lock.acquire("k", EXCLUSIVE, Duration.ZERO).await().atMost(Duration.ofSeconds(1));
        again.release();
        assertEquals(0, lock.size());
    }

    static void race(Runnable first, Runnable second) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(2);
        for (Runnable action : new Runnable[] {first, second}) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    action.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            });
            thread.start();
        }
        start.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS), "race did not finish");
    }
}
