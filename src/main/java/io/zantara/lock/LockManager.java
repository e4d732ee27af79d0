package io.zantara.lock;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The service's lock families, built from {@link LockConfig}, with their metrics registered. */
@ApplicationScoped
public class LockManager {

    private final SystemLockClock clock = new SystemLockClock("zantara-lock-timer");
    private final LockFamily memory;
    private final LockFamily collection;

    public LockManager(LockConfig config, MetricsLabelConfig labels, MeterRegistry registry) {
        this.memory = family("memory", "user_id", config.memory(), labels, registry);
        this.collection = family("collection", "collection_name", config.collection(), labels, registry);
    }

    private LockFamily family(String name, String keyLabel, LockConfig.Family settings, MetricsLabelConfig labels,
                              MeterRegistry registry) {
        KeyedLock lock = new KeyedLock(name, settings.maxReaders(), clock);
        FamilyMetrics metrics = new FamilyMetrics(registry, name, keyLabel,
                new KeyLabels(labels.policy(), labels.maxValues()), lock);
        return new LockFamily(name, settings.timeout(), lock, metrics, clock);
    }

    /** Per-user memory: key = user id. */
    public LockFamily memory() {
        return memory;
    }

    /** Per-collection documents: key = collection name. */
    public LockFamily collection() {
        return collection;
    }

    public List<LockFamily> families() {
        return List.of(memory, collection);
    }

    @PreDestroy
    void close() {
        clock.close();
    }
}
