package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;
import org.jboss.logging.Logger;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * Design notes
 *
 * Concurrency: everything about one key (its holders and its FIFO queue of waiters) lives in an
 * Entry that is read and changed only inside ConcurrentHashMap.compute for that key. Each key has
 * its own short critical section; unrelated keys never contend (unlike striping).
 *
 * Cleanup: compute returns null once an entry has no holder and no waiter, which removes the key.
 * The map holds exactly the keys that are held or awaited, so it is empty when the lock is idle.
 *
 * Queue: an intrusive doubly-linked list through the waiters themselves, and the holders of a key
 * likewise (for the inspector). Enqueue, grant, and removal of a cancelled or timed-out waiter from
 * the middle of the queue are all O(1); nothing is ever copied.
 *
 * Fairness: a request is granted at once only when nobody is queued and its mode is compatible;
 * otherwise it queues. Grants are made from the head only, so order is FIFO per key and a waiting
 * writer holds back every reader behind it (no writer starvation). A reader cap bounds SHARED
 * holders.
 *
 * Outcome race: whether a waiter ends granted, cancelled or timed out is decided by one CAS on its
 * signal: the first of delivery, cancel and timeout wins. A cancel or timeout that wins against a
 * grant already made releases that grant at once, which hands the key on to the next waiter. Only
 * the winner of that CAS ever takes a waiter out (leave), so a delivered grant is never undone by
 * anyone but its holder. A cancel that comes before the waiter is in the map has nothing to take
 * out; the subscribing thread sees its signal inside compute and does not queue the waiter.
 *
 * Release once: whether a hold is still to be given back is its state, read and changed under
 * compute, so of two releases (or a release and a late cancel) the second finds it gone and does
 * nothing, without a CAS of its own on the hot path.
 *
 * Counts: nothing shared across keys is written per acquisition. Queued requests are counted per
 * entry and summed only when asked (a metrics scrape, the inspector).
 *
 * Timeouts: one timer per contended key, not per waiter, armed for the earliest deadline in the
 * key's queue. Most waiters are granted long before their deadline, so arming and cancelling a
 * timer for each of them was most of the cost of a contended handoff. When the timer fires it fails
 * the waiters that are due (O(queue) once per firing, firings at least a millisecond apart) and
 * re-arms for the next deadline; the timer is cancelled when the queue empties.
 *
 * Delivery: grants are handed to subscribers outside compute, through a per-thread trampoline. A
 * grant made while this thread is already delivering one is queued and run by the outer loop, so a
 * chain of synchronous handoffs (a holder's continuation releasing, whose release grants the next
 * waiter, whose continuation releases, ...) runs in constant stack depth. Timeout failures are
 * delivered directly on the timer thread.
 */

/**
 * An asynchronous read/write lock per key. Acquiring never blocks a thread: it returns a
 * {@link Uni} that emits a {@link Permit} once the key is granted.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li><b>Exclusion:</b> an {@link LockMode#EXCLUSIVE} holder is the key's only holder; at most
 *       {@code maxSharedHolders} {@link LockMode#SHARED} holders hold a key together.</li>
 *   <li><b>Order:</b> FIFO per key. A queued request of any mode is never overtaken, so a waiting
 *       writer stops later readers from starving it.</li>
 *   <li><b>Timeout:</b> every acquisition has one. When it expires before the grant, the Uni fails
 *       with {@link LockTimeoutException} and the request leaves the queue. A zero timeout means
 *       "only if free now".</li>
 *   <li><b>Cancellation:</b> cancelling a waiting acquisition removes it from the queue. A grant
 *       that races the cancellation is released at once and passes to the next waiter: a
 *       cancelled acquisition never leaks a hold.</li>
 *   <li><b>Threads:</b> the permit is emitted on the thread that made the grant: the subscribing
 *       thread when the key is free, otherwise the thread that released it (or the timer thread).
 *       {@link Permit#release()} may be called from any thread.</li>
 *   <li><b>Laziness:</b> nothing happens until subscription; each subscription is a new request,
 *       so a retry re-acquires.</li>
 * </ul>
 *
 * <p>Prefer {@link #withLock}, which releases in every outcome. With {@link #acquire} the permit
 * belongs to the subscriber once emitted, and releasing it is the subscriber's job.
 *
 * {@snippet :
 * Uni<Integer> saved = lock.withLock("alice", LockMode.EXCLUSIVE, Duration.ofSeconds(5),
 *         () -> repository.saveFacts("alice", facts));
 * }
 */
public final class KeyedLock {

    private static final Logger LOG = Logger.getLogger(KeyedLock.class);
    private static final Duration NO_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);
    private static final long MIN_EXPIRY_SPACING_NANOS = 1_000_000;

    private final String name;
    private final int maxSharedHolders;
    private final LockClock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ThreadLocal<Deliveries> deliveries = ThreadLocal.withInitial(Deliveries::new);

    /**
     * @param name             a name for logs and timer threads, e.g. {@code memory}
     * @param maxSharedHolders how many SHARED holders a key may have at once (at least 1)
     * @param clock            time source and timer for acquisition timeouts
     */
    public KeyedLock(String name, int maxSharedHolders, LockClock clock) {
        if (maxSharedHolders < 1) {
            throw new IllegalArgumentException("maxSharedHolders must be at least 1, was " + maxSharedHolders);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.maxSharedHolders = maxSharedHolders;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String name() {
        return name;
    }

    public int maxSharedHolders() {
        return maxSharedHolders;
    }

    /** Same as {@link #acquire(String, LockMode, Duration, String)} without an owner description. */
    public Uni<Permit> acquire(String key, LockMode mode, Duration timeout) {
        return acquire(key, mode, timeout, null);
    }

    /**
     * Requests {@code key} in {@code mode}. The returned Uni is lazy: each subscription queues a new
     * request; it emits the permit when granted, or fails with {@link LockTimeoutException} when
     * {@code timeout} passes first.
     *
     * @param owner what the request is for (shown by {@link #snapshot()}); may be null
     * @throws IllegalArgumentException at once, for a null key or mode or a negative timeout
     */
    public Uni<Permit> acquire(String key, LockMode mode, Duration timeout, String owner) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return new AcquireUni(key, mode, saturatedNanos(timeout), timeout, owner);
    }

    /**
     * Runs {@code action} while holding {@code key}, and releases the hold when the action's Uni
     * emits an item or a failure, or when {@code action} throws or returns null. A lock timeout
     * fails the returned Uni with {@link LockTimeoutException} without calling {@code action}.
     *
     * <p>Cancelling while waiting leaves the queue (the action never runs). Cancelling once the
     * action runs does not cut it short: it finishes unobserved and the key is released when it
     * terminates, so the next holder never overlaps a half-done write. The action must terminate.
     */
    public <T> Uni<T> withLock(String key, LockMode mode, Duration timeout, Supplier<Uni<T>> action) {
        return withLock(key, mode, timeout, null, action);
    }

    /** Same as {@link #withLock(String, LockMode, Duration, Supplier)}, naming the owner for the inspector. */
    public <T> Uni<T> withLock(String key, LockMode mode, Duration timeout, String owner, Supplier<Uni<T>> action) {
        Objects.requireNonNull(action, "action");
        return HoldingUni.of(acquire(key, mode, timeout, owner), permit -> action.get());
    }

    /**
     * Like {@link #withLock(String, LockMode, Duration, String, Supplier)}, for actions that need
     * the permit itself (its wait time, or a fencing token of a distributed tier).
     */
    public <T> Uni<T> holding(String key, LockMode mode, Duration timeout, String owner, Function<Permit, Uni<T>> action) {
        return HoldingUni.of(acquire(key, mode, timeout, owner), action);
    }

    /** Whether the request at the head of {@code key}'s queue is EXCLUSIVE (read atomically). */
    public boolean exclusiveWaiterFirst(String key) {
        boolean[] answer = {false};
        entries.computeIfPresent(key, (k, e) -> {
            answer[0] = e.queueHead != null && e.queueHead.mode == LockMode.EXCLUSIVE;
            return e;
        });
        return answer[0];
    }

    /** How many keys are held or awaited right now: 0 whenever the lock is idle. */
    public int size() {
        return entries.size();
    }

    /**
     * How many requests are queued (not yet granted) across all keys; each key is read atomically.
     * O(keys): counted when asked (a scrape, the inspector) rather than kept in a shared counter that
     * every contended acquisition would have to update.
     */
    public int waiting() {
        int[] queued = {0};
        for (String key : entries.keySet()) {
            entries.computeIfPresent(key, (k, entry) -> {
                queued[0] += entry.queued;
                return entry;
            });
        }
        return queued[0];
    }

    /** Holders and waiters of every key, each key read atomically; longest-held keys first. */
    public List<KeySnapshot> snapshot() {
        long now = clock.nanoTime();
        List<KeySnapshot> keys = new ArrayList<>();
        for (String key : entries.keySet()) {
            entries.computeIfPresent(key, (k, entry) -> {
                keys.add(entry.snapshot(k, now));
                return entry;
            });
        }
        keys.sort(Comparator.comparing(KeySnapshot::oldestHold).reversed());
        return keys;
    }

    /** Durations past ~292 years mean "no timeout"; compared, not caught, to keep exceptions off the hot path. */
    private static long saturatedNanos(Duration timeout) {
        return timeout.compareTo(NO_TIMEOUT) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
    }

    // ---------------------------------------------------------------------------------------------

    /** One subscription per request: creates the waiter and tries the key. */
    private final class AcquireUni extends AbstractUni<Permit> {
        private final String key;
        private final LockMode mode;
        private final long timeoutNanos;
        private final Duration timeout;
        private final String owner;

        AcquireUni(String key, LockMode mode, long timeoutNanos, Duration timeout, String owner) {
            this.key = key;
            this.mode = mode;
            this.timeoutNanos = timeoutNanos;
            this.timeout = timeout;
            this.owner = owner;
        }

        @Override
        public void subscribe(UniSubscriber<? super Permit> subscriber) {
            Waiter waiter = new Waiter(key, mode, owner, timeout, subscriber);
            subscriber.onSubscribe(waiter);
            if (waiter.signal != Waiter.NONE) {
                return;
            }
            long now = clock.nanoTime();
            waiter.requestedAt = now;
            waiter.deadline = timeoutNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + timeoutNanos;
            entries.compute(key, (k, entry) -> {
                if (waiter.signal != Waiter.NONE) {
                    // Cancelled before it was in the map, so its cancel found nothing to take out.
                    // Checked here and not after compute: once queued, the waiter can be granted
                    // and delivered on another thread at any moment, and a signal read after
                    // compute could no longer tell a cancel from that delivery.
                    return entry;
                }
                Entry e = entry == null ? new Entry(k) : entry;
                if (e.queueHead == null && e.compatible(mode, maxSharedHolders)) {
                    e.hold(waiter, now);
                    waiter.grantedAtOnce = true;
                } else {
                    e.enqueue(waiter);
                    if (timeoutNanos != 0 && waiter.deadline < e.timerDeadline) {
                        armExpiry(e, waiter.deadline, now);
                    }
                }
                return e;
            });
            if (waiter.grantedAtOnce) {
                Deliveries pending = deliveries.get();
                pending.add(waiter);
                pending.drain();
            } else if (timeoutNanos == 0) {
                waiter.timeOutNow();
            }
        }
    }

    /**
     * Removes a waiter that is cancelled or timed out: unlinks it if still queued, releases it if a
     * grant reached it first. Either may let the next waiters in. Idempotent. Called only by the
     * winner of the CANCELLED or TIMED_OUT CAS, so never for a grant already delivered.
     */
    private void leave(Waiter waiter) {
        Deliveries pending = deliveries.get();
        entries.computeIfPresent(waiter.key, (k, e) -> {
            if (waiter.state == Waiter.QUEUED) {
                e.unlinkQueued(waiter);
                waiter.state = Waiter.GONE;
            } else if (waiter.state == Waiter.HELD) {
                e.unhold(waiter);
            } else {
                return e;
            }
            e.grantWaiters(maxSharedHolders, pending, clock);
            return e.settle();
        });
        pending.drain();
    }

    /** Gives a hold back, once: the state check under compute makes a second call do nothing. */
    private void release(Waiter holder) {
        Deliveries pending = deliveries.get();
        entries.computeIfPresent(holder.key, (k, e) -> {
            if (holder.state != Waiter.HELD) {
                return e;
            }
            e.unhold(holder);
            e.grantWaiters(maxSharedHolders, pending, clock);
            return e.settle();
        });
        pending.drain();
    }

    /**
     * Arms the key's single expiry timer for {@code deadline}, replacing a later one. Called inside
     * compute. Never earlier than one timer tick from now, so a storm of distinct deadlines costs at
     * most one queue scan per tick.
     */
    private void armExpiry(Entry e, long deadline, long now) {
        if (e.timer != null) {
            e.timer.cancel();
        }
        long at = Math.max(deadline, now + MIN_EXPIRY_SPACING_NANOS);
        e.timerDeadline = at;
        e.timer = clock.schedule(at - now, () -> expire(e));
    }

    /** The key's timer fired: fail every queued waiter whose deadline has passed. */
    private void expire(Entry fired) {
        Deliveries pending = deliveries.get();
        Waiter[] expired = {null};
        entries.computeIfPresent(fired.key, (k, e) -> {
            if (e != fired) {
                return e; // the entry was removed and made anew; the new one has its own timer
            }
            e.timer = null;
            e.timerDeadline = Long.MAX_VALUE;
            long now = clock.nanoTime();
            long next = Long.MAX_VALUE;
            Waiter w = e.queueHead;
            while (w != null) {
                Waiter following = w.next;
                if (w.deadline > now) {
                    next = Math.min(next, w.deadline);
                } else if (Waiter.SIGNAL.compareAndSet(w, Waiter.NONE, Waiter.TIMED_OUT)) {
                    e.unlinkQueued(w);
                    w.state = Waiter.GONE;
                    w.nextExpired = expired[0];
                    expired[0] = w;
                }
                w = following;
            }
            e.grantWaiters(maxSharedHolders, pending, clock);
            if (next != Long.MAX_VALUE && e.queueHead != null) {
                armExpiry(e, next, now);
            }
            return e.settle();
        });
        pending.drain();
        for (Waiter w = expired[0]; w != null; w = w.nextExpired) {
            w.failTimedOut();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The state of one key. Only ever touched inside compute for that key. */
    private static final class Entry {
        private final String key;
        /** One expiry timer per contended key, armed for the earliest deadline in its queue. */
        private Cancellable timer;
        private long timerDeadline = Long.MAX_VALUE;
        private int shared;
        private boolean exclusive;
        private int queued;
        private Waiter queueHead;
        private Waiter queueTail;
        private Waiter holdersHead;

        Entry(String key) {
            this.key = key;
        }

        boolean idle() {
            return shared == 0 && !exclusive && queueHead == null;
        }

        /** End of every change: no queue, no timer; no holder either, no entry (compute removes it). */
        Entry settle() {
            if (queueHead == null && timer != null) {
                timer.cancel();
                timer = null;
                timerDeadline = Long.MAX_VALUE;
            }
            return idle() ? null : this;
        }

        boolean compatible(LockMode mode, int maxShared) {
            return mode == LockMode.EXCLUSIVE ? shared == 0 && !exclusive : !exclusive && shared < maxShared;
        }

        void enqueue(Waiter w) {
            queued++;
            w.state = Waiter.QUEUED;
            w.prev = queueTail;
            w.next = null;
            if (queueTail == null) {
                queueHead = w;
            } else {
                queueTail.next = w;
            }
            queueTail = w;
        }

        void unlinkQueued(Waiter w) {
            queued--;
            if (w.prev == null) {
                queueHead = w.next;
            } else {
                w.prev.next = w.next;
            }
            if (w.next == null) {
                queueTail = w.prev;
            } else {
                w.next.prev = w.prev;
            }
            w.prev = null;
            w.next = null;
        }

        void hold(Waiter w, long now) {
            w.state = Waiter.HELD;
            w.grantedAt = now;
            if (w.mode == LockMode.EXCLUSIVE) {
                exclusive = true;
            } else {
                shared++;
            }
            w.prev = null;
            w.next = holdersHead;
            if (holdersHead != null) {
                holdersHead.prev = w;
            }
            holdersHead = w;
        }

        void unhold(Waiter w) {
            if (w.mode == LockMode.EXCLUSIVE) {
                exclusive = false;
            } else {
                shared--;
            }
            if (w.prev == null) {
                holdersHead = w.next;
            } else {
                w.prev.next = w.next;
            }
            if (w.next != null) {
                w.next.prev = w.prev;
            }
            w.prev = null;
            w.next = null;
            w.state = Waiter.GONE;
            Waiter.RELEASED.setRelease(w, true);
        }

        /** Grants from the head while the head is compatible; the grants go to {@code pending}. */
        void grantWaiters(int maxShared, Deliveries pending, LockClock clock) {
            long now = 0;
            Waiter head;
            while ((head = queueHead) != null && compatible(head.mode, maxShared)) {
                if (now == 0) {
                    now = clock.nanoTime();
                }
                unlinkQueued(head);
                hold(head, now);
                pending.add(head);
            }
        }

        KeySnapshot snapshot(String key, long now) {
            List<KeySnapshot.Claim> holders = new ArrayList<>();
            for (Waiter w = holdersHead; w != null; w = w.next) {
                holders.add(new KeySnapshot.Claim(w.mode, w.owner, Duration.ofNanos(now - w.grantedAt)));
            }
            List<KeySnapshot.Claim> waiters = new ArrayList<>();
            for (Waiter w = queueHead; w != null; w = w.next) {
                waiters.add(new KeySnapshot.Claim(w.mode, w.owner, Duration.ofNanos(now - w.requestedAt)));
            }
            return new KeySnapshot(key, holders, waiters);
        }
    }

    /** Grants waiting to be emitted on this thread; see "Delivery" in the design notes. */
    private static final class Deliveries {
        private Waiter head;
        private Waiter tail;
        private boolean draining;

        void add(Waiter w) {
            w.nextDelivery = null;
            if (tail == null) {
                head = w;
            } else {
                tail.nextDelivery = w;
            }
            tail = w;
        }

        void drain() {
            if (draining) {
                return;
            }
            draining = true;
            try {
                Waiter w;
                while ((w = head) != null) {
                    head = w.nextDelivery;
                    if (head == null) {
                        tail = null;
                    }
                    w.nextDelivery = null;
                    w.emitGrant();
                }
            } finally {
                draining = false;
            }
        }
    }

    /** A request: queued, then (maybe) a holder. It is its own subscription and its own permit. */
    private final class Waiter implements Permit, UniSubscription {
        static final int NONE = 0;
        static final int DELIVERED = 1;
        static final int CANCELLED = 2;
        static final int TIMED_OUT = 3;

        static final int NEW = 0;
        static final int QUEUED = 1;
        static final int HELD = 2;
        static final int GONE = 3;

        static final VarHandle SIGNAL;
        static final VarHandle RELEASED;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                SIGNAL = lookup.findVarHandle(Waiter.class, "signal", int.class);
                RELEASED = lookup.findVarHandle(Waiter.class, "released", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final String key;
        final LockMode mode;
        final String owner;
        final Duration timeout;
        final UniSubscriber<? super Permit> subscriber;

        /** Outcome of the request, decided once by CAS: NONE, DELIVERED, CANCELLED, TIMED_OUT. */
        volatile int signal;
        /**
         * True once the hold has been given back. Written under compute (release order suffices:
         * compute decides who releases); read without it by {@link #isReleased()}.
         */
        boolean released;

        // Guarded by compute on the key's entry.
        int state;
        Waiter prev;
        Waiter next;
        long requestedAt;
        long grantedAt;
        long deadline;
        Waiter nextExpired;

        // Touched only by the thread whose Deliveries holds this waiter.
        Waiter nextDelivery;

        // Written and read by the subscribing thread only.
        boolean grantedAtOnce;

        Waiter(String key, LockMode mode, String owner, Duration timeout, UniSubscriber<? super Permit> subscriber) {
            this.key = key;
            this.mode = mode;
            this.owner = owner;
            this.timeout = timeout;
            this.subscriber = subscriber;
        }

        void emitGrant() {
            if (!SIGNAL.compareAndSet(this, NONE, DELIVERED)) {
                return; // a cancel or timeout won; it releases this grant
            }
            try {
                subscriber.onItem(this);
            } catch (Throwable t) {
                LOG.errorf(t, "Lock '%s': subscriber failed on grant of key '%s'", name, key);
            }
        }

        /** A zero timeout that found the key busy. */
        void timeOutNow() {
            if (SIGNAL.compareAndSet(this, NONE, TIMED_OUT)) {
                leave(this);
                failTimedOut();
            }
        }

        void failTimedOut() {
            long waited = clock.nanoTime() - requestedAt;
            subscriber.onFailure(new LockTimeoutException(key, mode, Duration.ofNanos(Math.max(0, waited)), timeout));
        }

        @Override
        public void cancel() {
            if (SIGNAL.compareAndSet(this, NONE, CANCELLED)) {
                leave(this);
            }
        }

        @Override
        public void release() {
            if (!isReleased()) {
                KeyedLock.this.release(this);
            }
        }

        @Override
        public boolean isReleased() {
            return (boolean) RELEASED.getAcquire(this);
        }

        @Override
        public String key() {
            return key;
        }

        @Override
        public LockMode mode() {
            return mode;
        }

        @Override
        public long waitedNanos() {
            return grantedAt - requestedAt;
        }

        @Override
        public long grantedAtNanos() {
            return grantedAt;
        }

        @Override
        public String toString() {
            return "Permit[" + name + ":" + key + " " + mode + "]";
        }
    }
}
