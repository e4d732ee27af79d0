package io.zantara.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import io.zantara.api.ContentHash;
import io.zantara.conversation.ConversationRecords.HistoryMessage;
import io.zantara.lock.redis.RedisScript;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis cache of each (user, session): its newest messages, capped and expiring. Appends are
 * idempotent per conversation id, so a replayed save does not show its messages twice. The cache
 * is never the record: PostgreSQL (or the outbox, until the reconciler has run) is.
 */
@ApplicationScoped
public class ConversationCache {

    private static final RedisScript APPEND = RedisScript.load("/conversation/append.lua");
    private static final RedisScript READ = RedisScript.load("/conversation/read.lua");
    private static final RedisScript FORGET = RedisScript.load("/conversation/forget.lua");

    /** The session's newest cached messages, and whether they are all of the session. */
    record Cached(boolean complete, List<HistoryMessage> messages) {
        static final Cached NONE = new Cached(false, List.of());
    }

    private final Redis redis;
    private final ObjectMapper json;
    private final ConversationConfig.Cache config;

    public ConversationCache(Redis redis, ObjectMapper json, ConversationConfig config) {
        this.redis = redis;
        this.json = json;
        this.config = config.cache();
    }

    /**
     * @param newSession the service made the session id up, so this save starts the session and the
     *                   cache holds all of it
     * @return whether the messages were appended (false: this conversation was cached already)
     */
    Uni<Boolean> append(Conversation conversation, boolean newSession) {
        List<String> args = new ArrayList<>();
        args.add(conversation.id().toString());
        args.add(Long.toString(config.ttl().toMillis()));
        args.add(Integer.toString(config.maxMessages()));
        args.add(newSession ? "1" : "0");
        args.addAll(encoded(conversation));
        return APPEND.call(redis, keys(conversation.userId(), conversation.sessionId()), args)
                .map(answer -> answer.toInteger() == 1);
    }

    Uni<Cached> newest(String userId, String sessionId, int limit) {
        List<String> keys = keys(userId, sessionId);
        return READ.call(redis, List.of(keys.get(0), keys.get(2)), List.of(Integer.toString(limit))).map(answer -> {
            List<HistoryMessage> messages = new ArrayList<>();
            for (Response item : answer.get(1)) {
                messages.add(decode(item.toString()));
            }
            return new Cached("1".equals(answer.get(0).toString()), messages);
        });
    }

    /** Takes a conversation's messages back out, when its save could not be accepted after all. */
    Uni<Void> forget(Conversation conversation) {
        List<String> keys = keys(conversation.userId(), conversation.sessionId());
        List<String> args = new ArrayList<>();
        args.add(conversation.id().toString());
        args.addAll(encoded(conversation));
        return FORGET.call(redis, keys.subList(0, 2), args).replaceWithVoid();
    }

    /**
     * The session's keys: messages, conversation ids, meta. Users and session ids are hashed into one
     * hash tag, so the keys stay short, safe and in one Redis Cluster slot.
     */
    static List<String> keys(String userId, String sessionId) {
        String prefix = "zantara:conversation:{" + ContentHash.of(userId + '\n' + sessionId).substring(0, 32) + "}:";
        return List.of(prefix + "messages", prefix + "ids", prefix + "meta");
    }

    private List<String> encoded(Conversation conversation) {
        List<String> encoded = new ArrayList<>(conversation.messages().size());
        try {
            for (HistoryMessage message : conversation.history()) {
                encoded.add(json.writeValueAsString(message));
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return encoded;
    }

    private HistoryMessage decode(String encoded) {
        try {
            return json.readValue(encoded, HistoryMessage.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
