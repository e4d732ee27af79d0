package io.zantara.conversation;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zantara.conversation.ConversationRecords.HistoryMessage;
import io.zantara.conversation.ConversationRecords.MessageInput;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A save the service has accepted: what goes to the cache, to PostgreSQL and, when PostgreSQL fails,
 * to the outbox (as JSON). Its id is fixed before the first write attempt, so every retry and every
 * redelivery writes the same row.
 */
@RegisterForReflection(targets = {Conversation.class, MessageInput.class, ConversationRecords.Role.class})
public record Conversation(
        UUID id,
        String userId,
        String sessionId,
        String requestHash,
        Instant acceptedAt,
        List<MessageInput> messages,
        Map<String, Object> metadata) {

    /**
     * With an {@code Idempotency-Key}, the conversation id and a missing session id are derived from
     * (user, key), so that a replay names the same row and session even when the first attempt is
     * still in the outbox. Without one, both are random.
     */
    static Conversation accept(String userId, ConversationRecords.SaveRequest request, Optional<String> idempotencyKey,
                               String requestHash, Instant now) {
        UUID id = idempotencyKey.map(key -> derived("conversation", userId, key)).orElseGet(UUID::randomUUID);
        String session = request.sessionId() != null ? request.sessionId()
                : idempotencyKey.map(key -> derived("session", userId, key)).orElseGet(UUID::randomUUID).toString();
        // PostgreSQL keeps microseconds: truncate, so that cache and database order messages alike.
        return new Conversation(id, userId, session, requestHash, now.truncatedTo(ChronoUnit.MICROS),
                List.copyOf(request.messages()), request.metadata());
    }

    /** The messages as history shows them and as the cache holds them. */
    List<HistoryMessage> history() {
        List<HistoryMessage> history = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            MessageInput message = messages.get(i);
            history.add(new HistoryMessage(message.role().wire(), message.content(), id, i, acceptedAt));
        }
        return history;
    }

    private static UUID derived(String kind, String userId, String key) {
        return UUID.nameUUIDFromBytes((kind + '\0' + userId + '\0' + key).getBytes(StandardCharsets.UTF_8));
    }
}
