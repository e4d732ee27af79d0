package io.zantara.conversation;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes a conversation to PostgreSQL. Inline saves retry transient failures with exponential
 * backoff and jitter inside a total budget, never blocking a thread (Mutiny schedules the waits);
 * the reconciler makes one attempt per round. Either way the write is idempotent by the
 * conversation id, so an attempt that "failed" after its commit costs nothing when repeated.
 */
@ApplicationScoped
public class ConversationWriter {

    private final ConversationRepository repository;
    private final ConversationMetrics metrics;
    private final ConversationConfig.Db config;

    public ConversationWriter(ConversationRepository repository, ConversationMetrics metrics, ConversationConfig config) {
        this.repository = repository;
        this.metrics = metrics;
        this.config = config.db();
    }

    Uni<ConversationRepository.Stored> writeWithRetry(Conversation conversation) {
        return writeOnce(conversation)
                .onFailure(TransientFailures::is).retry()
                .withBackOff(config.initialBackoff(), config.maxBackoff()).withJitter(config.jitter())
                .atMost(config.attempts() - 1L)
                .ifNoItem().after(config.totalTimeout()).fail();
    }

    Uni<ConversationRepository.Stored> writeOnce(Conversation conversation) {
        return Uni.createFrom().deferred(() -> repository.write(conversation))
                .ifNoItem().after(config.attemptTimeout()).fail()
                .onFailure().invoke(metrics::attemptFailed);
    }
}
