package io.zantara.lock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of one lock family, named {@code zantara_<family>_lock_*} as the operators' guide
 * queries them. Meters are looked up once per label set and cached, so an acquisition costs a map
 * lookup and a timer update, not a registry search.
 */
final class FamilyMetrics {

    /** From half a millisecond up to the longest default timeout, 30 s. */
    static final Duration[] WAIT_BUCKETS = {
            Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    /** The meters of one (key label, operation) pair. */
    record Meters(Timer contention, Timer hold, Counter timeouts) {
    }

    private record LabelSet(String key, String operation) {
    }

    private final MeterRegistry registry;
    private final String prefix;
    private final String keyLabel;
    private final KeyLabels labels;
    private final ConcurrentHashMap<LabelSet, Meters> meters = new ConcurrentHashMap<>();

    FamilyMetrics(MeterRegistry registry, String family, String keyLabel, KeyLabels labels, KeyedLock lock) {
        this.registry = registry;
        this.prefix = "zantara." + family + ".lock.";
        this.keyLabel = keyLabel;
        this.labels = labels;
        Gauge.builder(prefix + "waiters", lock, KeyedLock::waiting)
                .description("Acquisitions of the " + family + " lock queued right now")
                .register(registry);
        Gauge.builder(prefix + "keys", lock, KeyedLock::size)
                .description("Keys of the " + family + " lock held or awaited right now")
                .register(registry);
    }

    String label(String key) {
        return labels.of(key);
    }

    Meters meters(String key, String operation) {
        return meters.computeIfAbsent(new LabelSet(labels.of(key), operation), this::register);
    }

    private Meters register(LabelSet set) {
        Timer contention = Timer.builder(prefix + "contention")
                .description("Time spent waiting for the lock (not holding it), every acquisition")
                .tags(keyLabel, set.key(), "operation", set.operation())
                .serviceLevelObjectives(WAIT_BUCKETS)
                .register(registry);
        Timer hold = Timer.builder(prefix + "hold")
                .description("Time the lock was held by the guarded work")
                .tags(keyLabel, set.key(), "operation", set.operation())
                .serviceLevelObjectives(WAIT_BUCKETS)
                .register(registry);
        Counter timeouts = Counter.builder(prefix + "timeout")
                .description("Acquisitions that timed out before the lock was granted")
                .tags(keyLabel, set.key(), "operation", set.operation())
                .register(registry);
        return new Meters(contention, hold, timeouts);
    }

    static void record(Timer timer, long nanos) {
        timer.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }
}
