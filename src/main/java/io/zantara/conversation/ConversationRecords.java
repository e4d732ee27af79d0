package io.zantara.conversation;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** The JSON shapes of the conversation API. */
public final class ConversationRecords {

    /** Session ids are the client's, but they name Redis keys and log lines: a plain token only. */
    static final String SESSION_ID = "[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}";
    static final String SESSION_ID_MESSAGE = "must be 1 to 128 letters, digits or . _ : @ -, starting with a letter or digit";
    static final int MAX_CONTENT_BYTES = 32 * 1024;

    private ConversationRecords() {
    }

    /** {@code POST /api/conversations/save}. */
    public record SaveRequest(
            @JsonProperty("session_id") @Pattern(regexp = SESSION_ID, message = SESSION_ID_MESSAGE) String sessionId,
            @NotNull @Size(min = 1, max = 500) List<@NotNull @Valid MessageInput> messages,
            @Size(max = 64) Map<String, Object> metadata) {
    }

    public record MessageInput(@NotNull Role role, @NotNull @StorableText(maxBytes = MAX_CONTENT_BYTES) String content) {
    }

    public enum Role {
        @JsonProperty("user") USER,
        @JsonProperty("assistant") ASSISTANT,
        @JsonProperty("system") SYSTEM;

        /** The name in JSON and in the database. */
        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Role ofWire(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** Where the save is: {@code db} (201) or {@code pending} in the outbox (202). */
    public record SaveView(
            @JsonProperty("conversation_id") UUID conversationId,
            @JsonProperty("session_id") String sessionId,
            @JsonProperty("messages_saved") int messagesSaved,
            String persistence) {
    }

    /** One message of a session's history; also the form a message takes in the cache. */
    @RegisterForReflection
    public record HistoryMessage(
            String role,
            String content,
            @JsonProperty("conversation_id") UUID conversationId,
            int position,
            @JsonProperty("created_at") Instant createdAt) {
    }

    public record HistoryView(
            @JsonProperty("session_id") String sessionId,
            String source,
            int count,
            List<HistoryMessage> messages) {
    }
}
