package io.zantara.conversation;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** {@code zantara.conversation.*}: the cache, the DB write's retry budget and the outbox reconciler. */
@ConfigMapping(prefix = "zantara.conversation")
public interface ConversationConfig {

    Cache cache();

    Db db();

    Outbox outbox();

    interface Cache {
        /** The newest messages kept per session; older ones are read from PostgreSQL. */
        @WithDefault("200")
        int maxMessages();

        /** How long a session stays cached after its last save. */
        @WithDefault("24h")
        Duration ttl();
    }

    /** The inline DB write: transient failures are retried with exponential backoff and jitter. */
    interface Db {
        /** Attempts in all, the first included. */
        @WithDefault("3")
        int attempts();

        @WithDefault("50ms")
        Duration initialBackoff();

        @WithDefault("250ms")
        Duration maxBackoff();

        /** 0 to 1: the share of each backoff that is random, so that replicas do not retry in step. */
        @WithDefault("0.5")
        double jitter();

        /** One attempt longer than this counts as a transient failure. */
        @WithDefault("400ms")
        Duration attemptTimeout();

        /** All attempts and backoffs together: past it, the save goes to the outbox. */
        @WithDefault("1s")
        Duration totalTimeout();
    }

    interface Outbox {
        /** The Redis stream that holds accepted conversations until they are in PostgreSQL. */
        @WithDefault("zantara:conversation:outbox")
        String stream();

        /** Where entries that PostgreSQL refuses for good are kept, for an operator to look at. */
        @WithDefault("zantara:conversation:outbox:dead")
        String deadLetterStream();

        @WithDefault("reconciler")
        String group();

        /** How often each replica's reconciler looks at the outbox. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Entries taken per look. */
        @WithDefault("32")
        int batchSize();

        /** An entry another replica took and left unacknowledged this long is claimed (its replica died). */
        @WithDefault("30s")
        Duration claimAfter();

        /** A consumer of the group with nothing pending and no read for this long is a gone replica: removed. */
        @WithDefault("1h")
        Duration forgetConsumersAfter();
    }
}
