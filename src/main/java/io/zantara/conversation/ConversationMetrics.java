package io.zantara.conversation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What conversation persistence tells the operator: failed DB saves (the guide's
 * {@code zantara_cache_db_consistency_errors_total}), what is still only in the outbox and for how
 * long, and cache failures that the DB path absorbed.
 */
@ApplicationScoped
public class ConversationMetrics {

    private final MeterRegistry registry;
    private final Counter consistencyErrors;
    private final Counter attemptFailures;
    private final Counter reconciled;
    private final ConcurrentMap<String, Counter> cacheErrors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> saves = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private volatile long outboxPending;
    /** Epoch millis of the oldest outbox entry (from its stream id); 0 when the outbox is empty. */
    private volatile long oldestAcceptedMillis;

    public ConversationMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.consistencyErrors = Counter.builder("zantara_cache_db_consistency_errors").tag("operation", "save")
                .description("Conversation saves whose PostgreSQL write failed after its retries (kept in the outbox)")
                .register(registry);
        this.attemptFailures = Counter.builder("zantara_conversation_db_attempt_failures")
                .description("Failed attempts to write a conversation to PostgreSQL, inline or by the reconciler").register(registry);
        this.reconciled = Counter.builder("zantara_conversation_outbox_reconciled")
                .description("Outbox entries the reconciler wrote to PostgreSQL (or found there) and removed").register(registry);
        Gauge.builder("zantara_conversation_outbox_pending", this, m -> m.outboxPending)
                .description("Accepted conversations in the outbox, not yet in PostgreSQL (the same stream for every replica)")
                .register(registry);
        Gauge.builder("zantara_conversation_outbox_oldest_seconds", this, ConversationMetrics::oldestSeconds)
                .description("Age of the oldest conversation in the outbox; 0 when it is empty").baseUnit("seconds")
                .register(registry);
        // Registered up front, so that the alert on them has a series to compute increase() from.
        for (String reason : new String[] {"rejected", "idempotency_conflict", "unreadable"}) {
            deadLetters(reason);
        }
    }

    void consistencyError() {
        consistencyErrors.increment();
    }

    void attemptFailed() {
        attemptFailures.increment();
    }

    void reconciled() {
        reconciled.increment();
    }

    void saved(String persistence) {
        saves.computeIfAbsent(persistence, p -> Counter.builder("zantara_conversation_saves").tag("persistence", p)
                .description("Conversation saves accepted, by where they were when answered (db: 201, pending: 202)")
                .register(registry)).increment();
    }

    /** @param operation append, read or forget */
    void cacheError(String operation) {
        cacheErrors.computeIfAbsent(operation, op -> Counter.builder("zantara_conversation_cache_errors").tag("operation", op)
                .description("Conversation cache operations that failed (Redis unreachable); the DB path carried on")
                .register(registry)).increment();
    }

    /** @param reason why PostgreSQL will never take the entry: rejected, idempotency_conflict or unreadable */
    void deadLettered(String reason) {
        deadLetters(reason).increment();
    }

    private Counter deadLetters(String reason) {
        return deadLetters.computeIfAbsent(reason, r -> Counter.builder("zantara_conversation_outbox_dead_letters").tag("reason", r)
                .description("Outbox entries moved to the dead-letter stream for an operator").register(registry));
    }

    void outbox(long pending, long oldestAcceptedMillis) {
        this.outboxPending = pending;
        this.oldestAcceptedMillis = pending == 0 ? 0 : oldestAcceptedMillis;
    }

    private double oldestSeconds() {
        long oldest = oldestAcceptedMillis;
        return oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest) / 1000.0;
    }
}
