package io.zantara.conversation;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zantara.lock.LockManager;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drains the outbox into PostgreSQL, on every replica. Each round this replica retries the entries
 * it holds unacknowledged, takes new ones through the consumer group (so each entry goes to one
 * replica), and claims entries a dead replica left behind. An entry is acknowledged only after its
 * row is committed; a transient failure ends the round (the database is likely down) and the entry
 * waits for the next one. Entries PostgreSQL refuses for good go to the dead-letter stream.
 */
@ApplicationScoped
public class OutboxReconciler {

    private static final Logger LOG = Logger.getLogger(OutboxReconciler.class);
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(1);

    private final ConversationOutbox outbox;
    private final ConversationWriter writer;
    private final ConversationMetrics metrics;
    private final Vertx vertx;
    private final ConversationConfig.Outbox config;
    private final String consumer;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Touched by one round at a time only (see {@link #running}). */
    private long lastHousekeeping = System.nanoTime();
    private volatile long timer = -1;
    private volatile boolean groupReady;

    public OutboxReconciler(ConversationOutbox outbox, ConversationWriter writer, ConversationMetrics metrics, Vertx vertx,
                            ConversationConfig config, LockManager locks) {
        this.outbox = outbox;
        this.writer = writer;
        this.metrics = metrics;
        this.vertx = vertx;
        this.config = config.outbox();
        this.consumer = locks.replicaId();
    }

    void start(@Observes StartupEvent event) {
        timer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> round());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** One round at a time per replica; a round that is still running when the timer fires is not doubled. */
    private void round() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        // A round that hangs (a Redis or PostgreSQL answer that never comes) must not stop all later ones.
        drain().ifNoItem().after(ROUND_LIMIT).fail()
                .onTermination().invoke(() -> running.set(false)).subscribe().with(
                drained -> { },
                failure -> LOG.debugf("Outbox round ended early: %s", failure.toString()));
    }

    Uni<Void> drain() {
        Uni<Void> group = groupReady ? Uni.createFrom().voidItem() : outbox.ensureGroup().invoke(() -> groupReady = true);
        return group
                .chain(() -> outbox.mine(consumer))
                .chain(this::reconcile)
                .chain(() -> outbox.claimStale(consumer))
                .chain(this::reconcile)
                // Even when the database is down: these need Redis only.
                .eventually(() -> forgetGoneConsumersNowAndThen().onFailure().recoverWithNull().chain(this::refreshBacklog))
                .onFailure(failure -> String.valueOf(failure.getMessage()).startsWith("NOGROUP"))
                .invoke(() -> groupReady = false);
    }

    /** In order, stopping at the first transient failure. */
    private Uni<Void> reconcile(List<ConversationOutbox.Entry> entries) {
        return Multi.createFrom().iterable(entries)
                .onItem().transformToUniAndConcatenate(this::reconcile)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> reconcile(ConversationOutbox.Entry entry) {
        Conversation conversation;
        try {
            conversation = outbox.decode(entry);
        } catch (RuntimeException unreadable) {
            LOG.errorf("Outbox entry %s is unreadable (%s); moved to the dead-letter stream", entry.id(), unreadable.toString());
            return deadLetter(entry, "unreadable");
        }
        return writer.writeOnce(conversation)
                .chain(stored -> {
                    if (!stored.requestHash().equals(conversation.requestHash())) {
                        LOG.errorf("Outbox entry %s (conversation_id=%s) differs from the row stored under its Idempotency-Key;"
                                + " moved to the dead-letter stream", entry.id(), conversation.id());
                        return deadLetter(entry, "idempotency_conflict");
                    }
                    return outbox.done(entry.id()).invoke(() -> {
                        metrics.reconciled();
                        LOG.infof("Outbox entry %s reconciled: conversation_id=%s session_id=%s is in the database",
                                entry.id(), conversation.id(), conversation.sessionId());
                    });
                })
                .onFailure(failure -> !TransientFailures.is(failure)).recoverWithUni(refused -> {
                    LOG.errorf("PostgreSQL refused outbox entry %s (conversation_id=%s) for good: %s; moved to the dead-letter stream",
                            entry.id(), conversation.id(), refused.toString());
                    return deadLetter(entry, "rejected");
                });
    }

    /** Every quarter of {@code forget-consumers-after}: the group's list of consumers changes slowly. */
    private Uni<Void> forgetGoneConsumersNowAndThen() {
        long now = System.nanoTime();
        if (now - lastHousekeeping < config.forgetConsumersAfter().toNanos() / 4) {
            return Uni.createFrom().voidItem();
        }
        lastHousekeeping = now;
        return outbox.forgetGoneConsumers(consumer)
                .invoke(removed -> {
                    if (removed > 0) {
                        LOG.infof("Removed %d consumers of gone replicas from the outbox group", removed);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Void> deadLetter(ConversationOutbox.Entry entry, String reason) {
        return outbox.deadLetter(entry, reason).invoke(() -> metrics.deadLettered(reason));
    }

    private Uni<Void> refreshBacklog() {
        return outbox.backlog()
                .invoke(backlog -> metrics.outbox(backlog.pending(), backlog.oldestMillis()))
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
