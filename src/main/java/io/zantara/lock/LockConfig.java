package io.zantara.lock;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The lock families and their defaults ({@code zantara.lock.*}). */
@ConfigMapping(prefix = "zantara.lock")
public interface LockConfig {

    /**
     * {@code redis}: EXCLUSIVE holds also take a Redis lease, so they exclude across replicas (the
     * default). {@code local}: exclusion within this process only, for a single replica.
     */
    @WithDefault("redis")
    Backend backend();

    /** The distributed tier. */
    RedisTier redis();

    /**
     * This replica's name in lease tokens and in the inspector; defaults to the host name (the pod
     * name on Kubernetes) plus a random suffix, so restarts never reuse tokens.
     */
    Optional<String> replicaId();

    enum Backend { LOCAL, REDIS }

    interface RedisTier {
        /** Lease time to live; the watchdog renews every third of it. A crashed holder blocks others this long. */
        @WithDefault("15s")
        Duration leaseTtl();

        /** Longest wait between two tries when no release message arrives (a crashed holder, a lost message). */
        @WithDefault("1s")
        Duration retryInterval();

        /**
         * Cohort handoff: how many times in a row a lease may pass to the next local waiter without
         * a Redis round trip before it is released for other replicas (at most 65535; 0 disables).
         */
        @WithDefault("32")
        int maxHandoffs();

        /** Cohort handoff: how long a lease may stay in one replica's hands across handoffs. */
        @WithDefault("200ms")
        Duration maxHandoffTime();
    }

    /** Per-user memory: SHARED for context reads, EXCLUSIVE for fact writes. */
    Memory memory();

    /** Per-collection documents: SHARED for search, EXCLUSIVE for ingestion. */
    Collection collection();

    interface Family {
        /** How long an acquisition may wait before it fails with a lock timeout. */
        Duration timeout();

        /** How many SHARED holders a key may have at once (the reader "semaphore" limit). */
        int maxReaders();
    }

    interface Memory extends Family {
        @Override
        @WithDefault("5s")
        Duration timeout();

        @Override
        @WithDefault("10")
        int maxReaders();
    }

    interface Collection extends Family {
        @Override
        @WithDefault("30s")
        Duration timeout();

        @Override
        @WithDefault("20")
        int maxReaders();
    }
}
