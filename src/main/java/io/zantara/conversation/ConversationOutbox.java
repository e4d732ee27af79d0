package io.zantara.conversation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.zantara.lock.redis.RedisScript;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The durable outbox: a Redis stream of conversations that PostgreSQL did not take in time, read by
 * the reconcilers of all replicas through one consumer group. An entry leaves the stream only once
 * its row is committed, so {@code XLEN} is exactly what is not yet in the database.
 *
 * <p>Durability is Redis': run it with AOF ({@code appendonly yes}) and replicas, or a restart loses
 * what is pending (see docs/runbooks/ConversationOutboxBacklog.md).
 */
@ApplicationScoped
public class ConversationOutbox {

    static final String FIELD = "conversation";
    private static final RedisScript DONE = RedisScript.load("/conversation/outbox-done.lua");

    /** A stream entry: its id (which starts with the epoch millis it was added at) and the conversation's JSON. */
    record Entry(String id, String payload) {
        long addedAtMillis() {
            return Long.parseLong(id.substring(0, id.indexOf('-')));
        }
    }

    /** Entries not yet in the database, and when the oldest was added (0 when none). */
    record Backlog(long pending, long oldestMillis) {
    }

    private final Redis redis;
    private final ObjectMapper json;
    private final ConversationConfig.Outbox config;

    public ConversationOutbox(Redis redis, ObjectMapper json, ConversationConfig config) {
        this.redis = redis;
        this.json = json;
        this.config = config.outbox();
    }

    /** @return the entry's id */
    Uni<String> add(Conversation conversation) {
        return Uni.createFrom().item(() -> encode(conversation))
                .chain(payload -> redis.send(Request.cmd(Command.XADD).arg(config.stream()).arg("*").arg(FIELD).arg(payload)))
                .map(Response::toString);
    }

    /** @throws UncheckedIOException when the entry holds no readable conversation */
    Conversation decode(Entry entry) {
        if (entry.payload() == null) {
            throw new UncheckedIOException(new IOException("outbox entry " + entry.id() + " has no '" + FIELD + "' field"));
        }
        try {
            return json.readValue(entry.payload(), Conversation.class);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String encode(Conversation conversation) {
        try {
            return json.writeValueAsString(conversation);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the consumer group (and the stream) unless they exist; reads from the very first entry. */
    Uni<Void> ensureGroup() {
        return redis.send(Request.cmd(Command.XGROUP).arg("CREATE").arg(config.stream()).arg(config.group()).arg("0").arg("MKSTREAM"))
                .onFailure(failure -> String.valueOf(failure.getMessage()).startsWith("BUSYGROUP")).recoverWithNull()
                .replaceWithVoid();
    }

    /**
     * Entries for this consumer: first those it was given before and has not acknowledged (a failed
     * write is retried on the next round), then new ones.
     */
    Uni<List<Entry>> mine(String consumer) {
        return readGroup(consumer, "0").chain(own -> own.isEmpty() ? readGroup(consumer, ">") : Uni.createFrom().item(own));
    }

    /** Entries another consumer took and left unacknowledged longer than {@code claim-after}: its replica died. */
    Uni<List<Entry>> claimStale(String consumer) {
        return redis.send(Request.cmd(Command.XAUTOCLAIM).arg(config.stream()).arg(config.group()).arg(consumer)
                        .arg(config.claimAfter().toMillis()).arg("0-0").arg("COUNT").arg(config.batchSize()))
                .map(answer -> entries(answer.get(1)));
    }

    /**
     * Removes consumers of gone replicas from the group: nothing pending and idle (no read at all)
     * for longer than {@code forget-consumers-after}. A live replica reads every poll interval, so
     * it is never idle that long; without this, every pod that ever ran stays listed in the group.
     *
     * @return how many were removed
     */
    Uni<Integer> forgetGoneConsumers(String self) {
        return redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(config.stream()).arg(config.group()))
                .chain(answer -> {
                    List<Consumer> consumers = new ArrayList<>();
                    for (Response consumer : answer) {
                        consumers.add(new Consumer(field(consumer, "name").toString(), field(consumer, "pending").toLong(),
                                field(consumer, "idle").toLong()));
                    }
                    List<Uni<Response>> removals = gone(consumers, self, config.forgetConsumersAfter().toMillis()).stream()
                            .map(name -> redis.send(Request.cmd(Command.XGROUP).arg("DELCONSUMER")
                                    .arg(config.stream()).arg(config.group()).arg(name)))
                            .toList();
                    return removals.isEmpty() ? Uni.createFrom().item(0) : Uni.join().all(removals).andFailFast().map(List::size);
                });
    }

    /** A consumer of the group, as XINFO CONSUMERS describes it. */
    record Consumer(String name, long pending, long idleMillis) {
    }

    /** Which consumers are gone replicas: not this one, nothing pending, idle past the limit. */
    static List<String> gone(List<Consumer> consumers, String self, long idleLimitMillis) {
        return consumers.stream()
                .filter(c -> !c.name().equals(self) && c.pending() == 0 && c.idleMillis() > idleLimitMillis)
                .map(Consumer::name)
                .toList();
    }

    /** The entry's conversation is in the database: acknowledge and delete it, atomically. */
    Uni<Void> done(String id) {
        return DONE.call(redis, List.of(config.stream()), List.of(config.group(), id)).replaceWithVoid();
    }

    /** Moves an entry PostgreSQL will never take to the dead-letter stream, with the reason. */
    Uni<Void> deadLetter(Entry entry, String reason) {
        return redis.send(Request.cmd(Command.XADD).arg(config.deadLetterStream()).arg("*")
                        .arg(FIELD).arg(entry.payload()).arg("reason").arg(reason).arg("outbox_id").arg(entry.id()))
                .chain(() -> done(entry.id()));
    }

    Uni<Backlog> backlog() {
        return redis.send(Request.cmd(Command.XLEN).arg(config.stream())).chain(length -> {
            long pending = length.toLong();
            if (pending == 0) {
                return Uni.createFrom().item(new Backlog(0, 0));
            }
            return redis.send(Request.cmd(Command.XRANGE).arg(config.stream()).arg("-").arg("+").arg("COUNT").arg(1))
                    .map(first -> first.size() == 0 ? new Backlog(0, 0)
                            : new Backlog(pending, new Entry(first.get(0).get(0).toString(), null).addedAtMillis()));
        });
    }

    private Uni<List<Entry>> readGroup(String consumer, String from) {
        return redis.send(Request.cmd(Command.XREADGROUP).arg("GROUP").arg(config.group()).arg(consumer)
                        .arg("COUNT").arg(config.batchSize()).arg("STREAMS").arg(config.stream()).arg(from))
                .map(answer -> answer == null ? List.of() : entries(streamEntries(answer)));
    }

    /** XREADGROUP answers per stream; RESP2 as [[name, entries]], RESP3 as a map of name to entries. */
    private Response streamEntries(Response answer) {
        return answer.isMap() ? answer.get(config.stream()) : answer.get(0).get(1);
    }

    /** A field of an XINFO answer: a map in RESP3, a flat name/value array in RESP2. */
    private static Response field(Response info, String name) {
        if (info.isMap()) {
            return info.get(name);
        }
        for (int i = 0; i + 1 < info.size(); i += 2) {
            if (name.equals(info.get(i).toString())) {
                return info.get(i + 1);
            }
        }
        throw new IllegalStateException("XINFO answer without '" + name + "': " + info);
    }

    private static List<Entry> entries(Response list) {
        List<Entry> entries = new ArrayList<>();
        if (list == null) {
            return entries;
        }
        for (Response entry : list) {
            // An entry deleted while pending comes back without fields (Redis 6.2) or not at all (7).
            if (entry != null && entry.get(1) != null && entry.get(1).size() >= 2) {
                entries.add(new Entry(entry.get(0).toString(), fieldOf(entry.get(1))));
            }
        }
        return entries;
    }

    private static String fieldOf(Response fields) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (FIELD.equals(fields.get(i).toString())) {
                return fields.get(i + 1).toString();
            }
        }
        return null;
    }
}
