package io.zantara.lock;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The lock families and their defaults ({@code zantara.lock.*}). */
@ConfigMapping(prefix = "zantara.lock")
public interface LockConfig {

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
