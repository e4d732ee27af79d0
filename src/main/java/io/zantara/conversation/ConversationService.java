package io.zantara.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.smallrye.mutiny.Uni;
import io.zantara.api.ContentHash;
import io.zantara.api.Problem;
import io.zantara.api.ProblemException;
import io.zantara.conversation.ConversationRecords.HistoryMessage;
import io.zantara.conversation.ConversationRecords.HistoryView;
import io.zantara.conversation.ConversationRecords.SaveRequest;
import io.zantara.conversation.ConversationRecords.SaveView;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Saves conversations to the cache and PostgreSQL, falling back to the outbox, so that nothing
 * answered with 201 or 202 is lost; reads a session's history from the cache when it holds enough,
 * else from PostgreSQL merged with the cache (which also shows what is still in the outbox).
 */
@ApplicationScoped
public class ConversationService {

    private static final Logger LOG = Logger.getLogger(ConversationService.class);
    private static final Comparator<HistoryMessage> CHRONOLOGICAL = Comparator.comparing(HistoryMessage::createdAt)
            .thenComparing(HistoryMessage::conversationId).thenComparingInt(HistoryMessage::position);

    /** A save's answer: its body and whether it is in the database (201) or the outbox (202). */
    public record Saved(SaveView view, boolean inDatabase) {
    }

    private final ConversationCache cache;
    private final ConversationWriter writer;
    private final ConversationRepository repository;
    private final ConversationOutbox outbox;
    private final ConversationMetrics metrics;
    private final ObjectMapper canonicalJson;
    private final Clock clock = Clock.systemUTC();

    public ConversationService(ConversationCache cache, ConversationWriter writer, ConversationRepository repository,
                               ConversationOutbox outbox, ConversationMetrics metrics, ObjectMapper json) {
        this.cache = cache;
        this.writer = writer;
        this.repository = repository;
        this.outbox = outbox;
        this.metrics = metrics;
        this.canonicalJson = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    public Uni<Saved> save(String userId, SaveRequest request, Optional<String> idempotencyKey) {
        Conversation conversation = Conversation.accept(userId, request, idempotencyKey, hashOf(request), clock.instant());
        boolean newSession = request.sessionId() == null;
        return cache.append(conversation, newSession)
                .onFailure().recoverWithItem(failure -> {
                    metrics.cacheError("append");
                    LOG.warnf("Conversation cache append failed for session_id=%s conversation_id=%s: %s",
                            conversation.sessionId(), conversation.id(), failure.toString());
                    return false;
                })
                .chain(cached -> writer.writeWithRetry(conversation)
                        .chain(stored -> answer(conversation, stored, cached))
                        .onFailure(failure -> !(failure instanceof ProblemException))
                        .recoverWithUni(failure -> toOutbox(conversation, cached, failure)));
    }

    public Uni<HistoryView> history(String userId, String sessionId, int limit) {
        return cache.newest(userId, sessionId, limit)
                .onFailure().recoverWithItem(failure -> {
                    metrics.cacheError("read");
                    return ConversationCache.Cached.NONE;
                })
                .chain(cached -> {
                    boolean cacheHoldsEnough = !cached.messages().isEmpty()
                            && (cached.complete() || cached.messages().size() >= limit);
                    if (cacheHoldsEnough) {
                        return Uni.createFrom().item(view(sessionId, "cache", cached.messages(), limit));
                    }
                    return repository.newest(userId, sessionId, limit)
                            .onFailure().transform(ConversationService::databaseUnavailable)
                            .map(stored -> view(sessionId, "db", merged(stored, cached.messages()), limit));
                })
                .invoke(view -> {
                    if (view.messages().isEmpty()) {
                        throw new ProblemException(Problem.of("not-found", "Not Found", 404, "No such session of yours"));
                    }
                });
    }

    private Uni<Saved> answer(Conversation conversation, ConversationRepository.Stored stored, boolean cached) {
        if (!stored.requestHash().equals(conversation.requestHash())) {
            // The key was used before for another request: the stored one stands, this one is refused.
            return forgetIfCached(conversation, cached).chain(() -> Uni.createFrom().failure(new ProblemException(
                    Problem.of("idempotency-key-reused", "Idempotency-Key Reused", 422,
                            "This Idempotency-Key was already used for a different request"))));
        }
        metrics.saved("db");
        return Uni.createFrom().item(new Saved(new SaveView(conversation.id(), stored.sessionId(), stored.messagesCount(), "db"), true));
    }

    private Uni<Saved> toOutbox(Conversation conversation, boolean cached, Throwable failure) {
        metrics.consistencyError();
        LOG.errorf("DB Save failed for session_id=%s conversation_id=%s: %s; putting it in the outbox",
                conversation.sessionId(), conversation.id(), failure.toString());
        return outbox.add(conversation)
                .map(entry -> {
                    metrics.saved("pending");
                    return new Saved(new SaveView(conversation.id(), conversation.sessionId(), conversation.messages().size(),
                            "pending"), false);
                })
                .onFailure().recoverWithUni(outboxFailure -> {
                    LOG.errorf("Conversation outbox unreachable for session_id=%s conversation_id=%s (%s); the save is refused",
                            conversation.sessionId(), conversation.id(), outboxFailure.toString());
                    return forgetIfCached(conversation, cached).chain(() -> Uni.createFrom().failure(new ProblemException(
                            Problem.of("persistence-unavailable", "Service Unavailable", 503,
                                    "Neither PostgreSQL nor the Redis outbox took the conversation; nothing was saved"),
                            Duration.ofSeconds(1), outboxFailure)));
                });
    }

    /** Best effort: a refused save should not linger in the cache either (it expires anyway). */
    private Uni<Void> forgetIfCached(Conversation conversation, boolean cached) {
        if (!cached) {
            return Uni.createFrom().voidItem();
        }
        return cache.forget(conversation).onFailure().recoverWithUni(failure -> {
            metrics.cacheError("forget");
            return Uni.createFrom().voidItem();
        });
    }

    /** The database's messages and the cached ones it does not have yet (still in the outbox), in order. */
    private static List<HistoryMessage> merged(List<HistoryMessage> stored, List<HistoryMessage> cached) {
        Map<String, HistoryMessage> byIdentity = new LinkedHashMap<>();
        for (HistoryMessage message : stored) {
            byIdentity.put(message.conversationId() + "/" + message.position(), message);
        }
        for (HistoryMessage message : cached) {
            byIdentity.putIfAbsent(message.conversationId() + "/" + message.position(), message);
        }
        return new ArrayList<>(byIdentity.values());
    }

    private static HistoryView view(String sessionId, String source, List<HistoryMessage> messages, int limit) {
        List<HistoryMessage> ordered = new ArrayList<>(messages);
        ordered.sort(CHRONOLOGICAL);
        List<HistoryMessage> newest = ordered.subList(Math.max(0, ordered.size() - limit), ordered.size());
        return new HistoryView(sessionId, source, newest.size(), List.copyOf(newest));
    }

    private static Throwable databaseUnavailable(Throwable failure) {
        return new ProblemException(Problem.of("database-unavailable", "Service Unavailable", 503,
                "PostgreSQL could not be read; try again shortly"), Duration.ofSeconds(1), failure);
    }

    /** The request as the client sent it, canonical JSON: what a replayed Idempotency-Key must match. */
    private String hashOf(SaveRequest request) {
        try {
            return ContentHash.of(canonicalJson.writeValueAsString(request));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
