package io.zantara.conversation;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zantara.conversation.ConversationRecords.HistoryMessage;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** SQL of the conversation feature. One write is one transaction: a conversation is stored whole or not at all. */
@ApplicationScoped
public class ConversationRepository {

    /** What the table holds under a conversation's id after a write. */
    record Stored(boolean inserted, String sessionId, String requestHash, int messagesCount) {
    }

    private static final String INSERT_CONVERSATION = """
            INSERT INTO conversations (id, user_id, session_id, request_hash, messages_count, metadata, accepted_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (id) DO NOTHING""";

    private static final String INSERT_MESSAGES = """
            INSERT INTO conversation_messages (conversation_id, position, user_id, session_id, role, content, accepted_at)
            SELECT $1, (m.position - 1)::int, $2, $3, m.role, m.content, $4
            FROM unnest($5::text[], $6::text[]) WITH ORDINALITY AS m(role, content, position)""";

    private static final String EXISTING = "SELECT session_id, request_hash, messages_count FROM conversations WHERE id = $1";

    private static final String NEWEST_MESSAGES = """
            SELECT conversation_id, position, role, content, accepted_at FROM conversation_messages
            WHERE user_id = $1 AND session_id = $2
            ORDER BY accepted_at DESC, conversation_id DESC, position DESC LIMIT $3""";

    private final Pool pool;

    public ConversationRepository(Pool pool) {
        this.pool = pool;
    }

    /** Inserts the conversation unless its id is already stored; either way, answers what is stored. */
    Uni<Stored> write(Conversation conversation) {
        return pool.withTransaction(tx -> tx.preparedQuery(INSERT_CONVERSATION).execute(Tuple.from(Arrays.asList(
                        conversation.id(), conversation.userId(), conversation.sessionId(), conversation.requestHash(),
                        conversation.messages().size(), metadataOf(conversation),
                        conversation.acceptedAt().atOffset(ZoneOffset.UTC))))
                .chain(rows -> rows.rowCount() == 1
                        ? insertMessages(tx, conversation).replaceWith(new Stored(true, conversation.sessionId(),
                                conversation.requestHash(), conversation.messages().size()))
                        : existing(tx, conversation)));
    }

    /** The session's newest messages, oldest first. */
    Uni<List<HistoryMessage>> newest(String userId, String sessionId, int limit) {
        return pool.preparedQuery(NEWEST_MESSAGES).execute(Tuple.of(userId, sessionId, limit)).map(rows -> {
            List<HistoryMessage> messages = new ArrayList<>(rows.size());
            for (Row row : rows) {
                messages.add(new HistoryMessage(row.getString("role"), row.getString("content"), row.getUUID("conversation_id"),
                        row.getInteger("position"), row.getOffsetDateTime("accepted_at").toInstant()));
            }
            Collections.reverse(messages);
            return messages;
        });
    }

    private static Uni<Void> insertMessages(SqlClient tx, Conversation conversation) {
        int n = conversation.messages().size();
        String[] roles = new String[n];
        String[] contents = new String[n];
        for (int i = 0; i < n; i++) {
            roles[i] = conversation.messages().get(i).role().wire();
            contents[i] = conversation.messages().get(i).content();
        }
        return tx.preparedQuery(INSERT_MESSAGES).execute(Tuple.of(conversation.id(), conversation.userId(),
                        conversation.sessionId(), conversation.acceptedAt().atOffset(ZoneOffset.UTC), roles, contents))
                .replaceWithVoid();
    }

    private static Uni<Stored> existing(SqlClient tx, Conversation conversation) {
        return tx.preparedQuery(EXISTING).execute(Tuple.of(conversation.id())).map(rows -> {
            Row row = rows.iterator().next();
            return new Stored(false, row.getString("session_id"), row.getString("request_hash"), row.getInteger("messages_count"));
        });
    }

    private static Object metadataOf(Conversation conversation) {
        return conversation.metadata() == null ? null : new JsonObject(conversation.metadata());
    }
}
