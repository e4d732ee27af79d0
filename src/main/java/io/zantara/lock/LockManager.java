package io.zantara.lock;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.redis.client.Redis;
import io.zantara.lock.redis.RedisLeases;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The service's lock families, built from {@link LockConfig}, with their metrics registered. With
 * the Redis backend, one {@link RedisLeases} (one pub/sub subscription, one watchdog) serves all
 * families of this replica; at shutdown its leases are released.
 */
@ApplicationScoped
public class LockManager {

    private static final Logger LOG = Logger.getLogger(LockManager.class);

    private final SystemLockClock clock = new SystemLockClock("zantara-lock-timer");
    private final RedisLeases leases;
    private final String replicaId;
    private final LockFamily memory;
    private final LockFamily collection;

    public LockManager(LockConfig config, MetricsLabelConfig labels, MeterRegistry registry, Instance<Redis> redis,
                       @ConfigProperty(name = "quarkus.redis.client-type", defaultValue = "standalone") String redisType) {
        this.replicaId = config.replicaId().orElseGet(LockManager::defaultReplicaId);
        if (config.backend() == LockConfig.Backend.REDIS) {
            this.leases = new RedisLeases(redis.get(), replicaId, config.redis().leaseTtl(), config.redis().retryInterval(),
                    clock, registry, "cluster".equalsIgnoreCase(redisType)).start();
        } else {
            this.leases = null;
        }
        LOG.infof("Lock backend %s, replica %s", config.backend(), replicaId);
        this.memory = family("memory", "user_id", config, config.memory(), labels, registry);
        this.collection = family("collection", "collection_name", config, config.collection(), labels, registry);
    }

    private LockFamily family(String name, String keyLabel, LockConfig config, LockConfig.Family settings,
                              MetricsLabelConfig labels, MeterRegistry registry) {
        KeyedLock lock = new KeyedLock(name, settings.maxReaders(), clock);
        FamilyMetrics metrics = new FamilyMetrics(registry, name, keyLabel,
                new KeyLabels(labels.policy(), labels.maxValues()), lock);
        LeaseCohort cohort = leases == null ? null : new LeaseCohort(name, leases, clock,
                config.redis().maxHandoffs(), config.redis().maxHandoffTime(), registry);
        return new LockFamily(name, settings.timeout(), lock, metrics, clock, cohort);
    }

    private static String defaultReplicaId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> !h.isBlank()).orElse("replica");
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This replica's name: in lease tokens, the inspector, and as its consumer name on Redis streams. */
    public String replicaId() {
        return replicaId;
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

    /** The distributed tier, when the backend is Redis. */
    public Optional<RedisLeases> leases() {
        return Optional.ofNullable(leases);
    }

    @PreDestroy
    void close() {
        if (leases != null) {
            leases.close();
        }
        clock.close();
    }
}
