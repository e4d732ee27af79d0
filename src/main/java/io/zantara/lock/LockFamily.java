package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
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

    LockFamily(String name, Duration timeout, KeyedLock lock, FamilyMetrics metrics, LockClock clock) {
        this.name = name;
        this.timeout = timeout;
        this.lock = lock;
        this.metrics = metrics;
        this.clock = clock;
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

    /**
     * Runs {@code action} under {@code key}; see {@link KeyedLock#withLock} for the guarantees. On a
     * timeout the Uni fails with a {@link LockTimeoutException} that names this family and
     * {@code operation}.
     *
     * @param operation a fixed name of what the caller does (a metric label: never user input)
     */
    public <T> Uni<T> withLock(String key, LockMode mode, String operation, Duration wait, Supplier<Uni<T>> action) {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(action, "action");
        FamilyMetrics.Meters meters = metrics.meters(key, operation);
        return lock.<T>holding(key, mode, wait, operation, permit -> {
                    FamilyMetrics.record(meters.contention(), permit.waitedNanos());
                    return action.get().onItemOrFailure().invoke((item, failure) ->
                            FamilyMetrics.record(meters.hold(), clock.nanoTime() - permit.grantedAtNanos()));
                })
                .onFailure(LockTimeoutException.class).transform(failure -> timedOut((LockTimeoutException) failure, operation, meters));
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
