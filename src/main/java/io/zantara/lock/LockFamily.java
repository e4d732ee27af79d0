package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A named use of the keyed lock (memory per user, collection per name) with its default timeout,
 * its reader cap and its metrics. Every acquisition records its wait in the contention histogram
 * (0 when uncontended, the full wait when it timed out); every timeout moves the timeout counter
 * and is logged; every hold records its length.
 */
public final class LockFamily {

    private static final Logger LOG = Logger.getLogger(LockFamily.class);

    private final String name;
    private final Duration timeout;
    private final KeyedLock lock;
    private final FamilyMetrics metrics;
    private final LockClock clock;
    private final LeaseCohort cohort;

    /** @param cohort the distributed tier, or null for local-only exclusion (one replica) */
    LockFamily(String name, Duration timeout, KeyedLock lock, FamilyMetrics metrics, LockClock clock, LeaseCohort cohort) {
        this.name = name;
        this.timeout = timeout;
        this.lock = lock;
        this.metrics = metrics;
        this.clock = clock;
        this.cohort = cohort;
    }

    public String name() {
        return name;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Runs {@code action} under {@code key} with the family's default timeout. */
    public <T> Uni<T> withLock(String key, LockMode mode, String operation, Supplier<Uni<T>> action) {
        return withLock(key, mode, operation, timeout, action);
    }

    /** Like {@link #withHold(String, LockMode, String, Duration, Function)}, for work that needs no fencing. */
    public <T> Uni<T> withLock(String key, LockMode mode, String operation, Duration wait, Supplier<Uni<T>> action) {
        Objects.requireNonNull(action, "action");
        return withHold(key, mode, operation, wait, hold -> action.get());
    }

    /** Runs {@code action} under {@code key} with the family's default timeout, handing it the {@link Hold}. */
    public <T> Uni<T> withHold(String key, LockMode mode, String operation, Function<Hold, Uni<T>> action) {
        return withHold(key, mode, operation, timeout, action);
    }

    /**
     * Runs {@code action} under {@code key}; see {@link KeyedLock#withLock} for the guarantees of the
     * local tier. With the Redis backend an EXCLUSIVE hold also takes the key's lease, whose fencing
     * token the {@link Hold} carries; the lease is released after the action, before the local hold.
     * Fails with a {@link LockTimeoutException} naming this family and {@code operation} when the
     * key is not granted within {@code wait} (local and Redis waits together), and with
     * {@link LockBackendUnavailableException} when Redis cannot be asked.
     *
     * @param operation a fixed name of what the caller does (a metric label: never user input)
     */
    public <T> Uni<T> withHold(String key, LockMode mode, String operation, Duration wait, Function<Hold, Uni<T>> action) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(action, "action");
        FamilyMetrics.Meters meters = metrics.meters(key, operation);
        return lock.<T>holding(key, mode, wait, operation, permit -> {
                    if (cohort == null || mode == LockMode.SHARED) {
                        FamilyMetrics.record(meters.contention(), permit.waitedNanos());
                        return timedHold(meters, action.apply(Hold.local(key, mode)));
                    }
                    return underLease(key, wait, permit, meters, action);
                })
                .onFailure(LockTimeoutException.class).transform(failure -> timedOut((LockTimeoutException) failure, operation, meters))
                .onFailure(LockBackendUnavailableException.class).transform(failure -> ((LockBackendUnavailableException) failure).in(name));
    }

    private <T> Uni<T> underLease(String key, Duration wait, Permit permit, FamilyMetrics.Meters meters,
                                  Function<Hold, Uni<T>> action) {
        Duration left = wait.minusNanos(permit.waitedNanos());
        return cohort.take(key, left.isNegative() ? Duration.ZERO : left)
                .onFailure(LockTimeoutException.class).transform(failure -> new LockTimeoutException(key, LockMode.EXCLUSIVE,
                        Duration.ofNanos(permit.waitedNanos() + clock.nanoTime() - permit.grantedAtNanos()), wait))
                .onItem().transformToUni(turn -> {
                    FamilyMetrics.record(meters.contention(), permit.waitedNanos() + clock.nanoTime() - permit.grantedAtNanos());
                    Uni<T> work = timedHold(meters, Uni.createFrom().deferred(() -> action.apply(new LeaseHold(key, turn))));
                    return work.onItemOrFailure().transformToUni((item, failure) ->
                            cohort.finish(key, turn, lock.exclusiveWaiterFirst(key))
                                    .onItem().transformToUni(ignored -> failure != null
                                            ? Uni.createFrom().<T>failure(failure)
                                            : Uni.createFrom().item(item)));
                });
    }

    private <T> Uni<T> timedHold(FamilyMetrics.Meters meters, Uni<T> work) {
        long start = clock.nanoTime();
        return work.onItemOrFailure().invoke((item, failure) -> FamilyMetrics.record(meters.hold(), clock.nanoTime() - start));
    }

    /** A hold backed by a Redis lease, first taken or handed on within this replica. */
    private record LeaseHold(String key, LeaseCohort.Turn turn) implements Hold {
        @Override
        public LockMode mode() {
            return LockMode.EXCLUSIVE;
        }

        @Override
        public long fencingToken() {
            return turn.fencingToken();
        }

        @Override
        public boolean leaseLost() {
            return turn.lease().isLost();
        }

        @Override
        public Uni<Void> whenLeaseLost() {
            return turn.lease().whenLost();
        }
    }

    private Throwable timedOut(LockTimeoutException failure, String operation, FamilyMetrics.Meters meters) {
        meters.timeouts().increment();
        FamilyMetrics.record(meters.contention(), failure.waited().toNanos());
        LOG.warnf("lock timeout: family=%s key=%s operation=%s mode=%s waited_ms=%d timeout_ms=%d",
                name, metrics.label(failure.key()), operation, failure.mode(), failure.waited().toMillis(),
                failure.timeout().toMillis());
        return failure.in(name, operation);
    }

    public List<KeySnapshot> snapshot() {
        return lock.snapshot();
    }

    /** The metric label the key is exported under (for the inspector: hashed keys map back). */
    public String labelOf(String key) {
        return metrics.label(key);
    }

    public int size() {
        return lock.size();
    }

    public int waiting() {
        return lock.waiting();
    }
}
