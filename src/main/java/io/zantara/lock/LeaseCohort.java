package io.zantara.lock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.zantara.lock.redis.Lease;
import io.zantara.lock.redis.RedisLeases;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Design notes
 *
 * Cohort handoff (cohort locks, Dice, Marathe and Shavit, PPoPP 2012): a replica that holds a
 * key's lease and has another local EXCLUSIVE waiter queued for it passes the lease on instead of
 * releasing it in Redis, up to a bound of consecutive handoffs and of elapsed time, after which it
 * releases so that other replicas get their turn.
 *
 * Passing: the finishing holder parks the lease here, then its local permit is released and the
 * local lock grants the next waiter, which takes the parked lease out. Taking it is an atomic
 * remove from the map, and so is the grace timer that releases a parked lease nobody took (the
 * waiter was cancelled or timed out meanwhile): whichever removes it owns it.
 *
 * Fencing across handoffs: the token a guarded write checks is (Redis fence << 16) | handoff
 * number. The fence grows with every Redis acquisition in any replica and the handoff number with
 * every pass within one, so tokens stay strictly increasing.
 */

/** The Redis side of one lock family: fresh leases, cohort handoffs, releases. */
final class LeaseCohort {

    static final int MAX_HANDOFFS_LIMIT = 0xFFFF;
    private static final long HANDOFF_GRACE_NANOS = Duration.ofMillis(50).toNanos();

    /** A lease and its place in the current run of handoffs. */
    record Turn(Lease lease, int handoff, long since) {
        long fencingToken() {
            return (lease.fencingToken() << 16) | handoff;
        }
    }

    private final String family;
    private final RedisLeases leases;
    private final LockClock clock;
    private final int maxHandoffs;
    private final long maxHandoffNanos;
    private final ConcurrentHashMap<String, Turn> parked = new ConcurrentHashMap<>();
    private final Counter handoffs;

    LeaseCohort(String family, RedisLeases leases, LockClock clock, int maxHandoffs, Duration maxHandoffTime,
                MeterRegistry registry) {
        if (maxHandoffs < 0 || maxHandoffs > MAX_HANDOFFS_LIMIT) {
            throw new IllegalArgumentException("max-handoffs must be within 0.." + MAX_HANDOFFS_LIMIT + ", was " + maxHandoffs);
        }
        this.family = family;
        this.leases = leases;
        this.clock = clock;
        this.maxHandoffs = maxHandoffs;
        this.maxHandoffNanos = maxHandoffTime.toNanos();
        this.handoffs = Counter.builder("zantara.lock.lease.handoffs").tag("family", family)
                .description("Leases passed to the next local waiter without a Redis round trip").register(registry);
    }

    /** Called by the local holder of {@code key}: the parked lease if there is a good one, else a fresh one. */
    Uni<Turn> take(String key, Duration wait) {
        Turn turn = parked.remove(key);
        if (turn != null && !turn.lease().isLost()) {
            handoffs.increment();
            return Uni.createFrom().item(new Turn(turn.lease(), turn.handoff() + 1, turn.since()));
        }
        Uni<Void> before = turn == null ? Uni.createFrom().voidItem() : leases.release(turn.lease()).replaceWithVoid()
                .onFailure().recoverWithNull();
        return before.chain(() -> leases.acquire(family + ":" + key, wait))
                .map(lease -> new Turn(lease, 0, clock.nanoTime()));
    }

    /**
     * Called by the local holder when its work is done, before its local permit is released: parks
     * the lease for the next local EXCLUSIVE waiter when the bounds allow, else releases it.
     */
    Uni<Void> finish(String key, Turn turn, boolean exclusiveWaiterNext) {
        boolean pass = exclusiveWaiterNext
                && turn.handoff() < maxHandoffs
                && clock.nanoTime() - turn.since() < maxHandoffNanos
                && !turn.lease().isLost();
        if (!pass) {
            return leases.release(turn.lease()).replaceWithVoid().onFailure().recoverWithNull();
        }
        parked.put(key, turn);
        clock.schedule(HANDOFF_GRACE_NANOS, () -> {
            if (parked.remove(key, turn)) {
                leases.release(turn.lease()).subscribe().with(ignored -> { }, ignored -> { });
            }
        });
        return Uni.createFrom().voidItem();
    }
}
