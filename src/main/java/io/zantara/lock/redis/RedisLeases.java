package io.zantara.lock.redis;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.zantara.lock.LockBackendUnavailableException;
import io.zantara.lock.LockClock;
import io.zantara.lock.LockMode;
import io.zantara.lock.LockTimeoutException;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Design notes
 *
 * One instance per replica. Callers are the holders of the local tier's EXCLUSIVE lock, so a
 * replica has at most one contender per resource here: N local waiters cost one Redis contender.
 *
 * Acquire is one script: SET NX PX and, when taken, INCR of the fence key in the same hash slot,
 * so a lease and its fencing token come in one round trip. A busy answer carries the holder's
 * remaining ttl.
 *
 * Waiting: the contender registers in `contenders` *before* each attempt, so a release published
 * between a failed attempt and the wait cannot be missed. Releases are published on one channel
 * that each replica subscribes to once; a message wakes the contender for that resource. A fallback
 * retry (the holder's remaining ttl, capped by retry-interval) covers a message lost while the
 * subscription was reconnecting, or a holder that crashed and let its lease expire.
 *
 * Renewal: one watchdog per replica every ttl/3 renews all held leases in one script call; against
 * Redis Cluster, one call per hash slot, so that no script names keys of two slots. A key
 * gone or held by another token means the lease is lost. A renewal that fails on the network
 * loses the lease only once its last known expiry has passed.
 */

/** Redis leases for the distributed lock tier. */
public final class RedisLeases implements AutoCloseable {

    static final String CHANNEL = "zantara:lock:released";
    private static final Logger LOG = Logger.getLogger(RedisLeases.class);
    private static final RedisScript ACQUIRE = RedisScript.load("/lock/acquire.lua");
    private static final RedisScript RELEASE = RedisScript.load("/lock/release.lua");
    private static final RedisScript RENEW = RedisScript.load("/lock/renew.lua");

    private final Redis redis;
    private final String replicaId;
    private final long ttlMillis;
    private final long retryIntervalNanos;
    private final LockClock clock;
    private final boolean cluster;
    private final AtomicLong counter = new AtomicLong();
    private final Map<String, Lease> held = new ConcurrentHashMap<>();
    private final Map<String, Attempt> contenders = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Counter leaseLost;
    private final Counter backendErrors;
    private final Counter renewals;
    private volatile Cancellable watchdog;
    private volatile RedisConnection subscription;

    public RedisLeases(Redis redis, String replicaId, Duration ttl, Duration retryInterval, LockClock clock,
                       MeterRegistry registry) {
        this(redis, replicaId, ttl, retryInterval, clock, registry, false);
    }

    /** @param cluster whether Redis is a Cluster: batched renewals are then split by hash slot */
    public RedisLeases(Redis redis, String replicaId, Duration ttl, Duration retryInterval, LockClock clock,
                       MeterRegistry registry, boolean cluster) {
        this.redis = redis;
        this.cluster = cluster;
        this.replicaId = replicaId;
        this.ttlMillis = ttl.toMillis();
        this.retryIntervalNanos = retryInterval.toNanos();
        this.clock = clock;
        this.leaseLost = Counter.builder("zantara.lock.lease.lost")
                .description("Redis leases found expired or taken while still held").register(registry);
        this.backendErrors = Counter.builder("zantara.lock.backend.errors")
                .description("Redis commands of the lock tier that failed").register(registry);
        this.renewals = Counter.builder("zantara.lock.lease.renewals")
                .description("Lease renewals that succeeded").register(registry);
        Gauge.builder("zantara.lock.leases.held", held, Map::size)
                .description("Redis leases this replica holds").register(registry);
    }

    /** Subscribes to release messages and starts the renewal watchdog. */
    public RedisLeases start() {
        subscribe();
        scheduleWatchdog();
        return this;
    }

    public String replicaId() {
        return replicaId;
    }

    /** Redis keys of a resource, hash-tagged so that the lock and its fence share a cluster slot. */
    static String lockKey(String resource) {
        return "zantara:lock:{" + resource + "}";
    }

    static String fenceKey(String resource) {
        return "zantara:fence:{" + resource + "}";
    }

    /**
     * Takes the lease on {@code resource}, waiting at most {@code timeout}. Fails with
     * {@link LockTimeoutException} when another replica holds it past the timeout, and with
     * {@link LockBackendUnavailableException} when Redis cannot be asked.
     */
    public Uni<Lease> acquire(String resource, Duration timeout) {
        return Uni.createFrom().emitter(emitter -> {
            Attempt attempt = new Attempt(resource, clock.nanoTime(), timeout, emitter);
            emitter.onTermination(attempt::stop);
            attempt.tryNow();
        });
    }

    /** Gives the lease back (compare-and-delete) and tells other replicas it is free. */
    public Uni<Boolean> release(Lease lease) {
        held.remove(lease.resource(), lease);
        return RELEASE.call(redis, List.of(lease.key()), List.of(lease.token(), CHANNEL, lease.resource()))
                .map(answer -> answer.toLong() == 1)
                .onFailure().invoke(failure -> {
                    backendErrors.increment();
                    LOG.warnf("Releasing %s failed; it expires in at most %d ms: %s", lease, ttlMillis, failure.getMessage());
                });
    }

    /** Leases held right now (for the lock inspector). */
    public List<Lease> held() {
        return List.copyOf(held.values());
    }

    /** Who holds a resource's lease in Redis, and for how much longer unless renewed. */
    public record Holder(String resource, String replicaId, long ttlMillis) {
    }

    /**
     * Resources this replica is trying to take in Redis right now; one that stays here is held by
     * another replica (or by a crashed one, until its ttl ends).
     */
    public List<String> contended() {
        return List.copyOf(contenders.keySet());
    }

    /**
     * Asks Redis who holds {@code resource} (for the lock inspector: a request waiting here names
     * the replica it waits for). Empty when the lease is free.
     */
    public Uni<Optional<Holder>> holder(String resource) {
        String key = lockKey(resource);
        return redis.batch(List.of(Request.cmd(Command.GET).arg(key), Request.cmd(Command.PTTL).arg(key)))
                .map(answers -> {
                    Response token = answers.get(0);
                    if (token == null) {
                        return Optional.<Holder>empty();
                    }
                    String value = token.toString();
                    int counter = value.lastIndexOf(':');
                    return Optional.of(new Holder(resource, counter > 0 ? value.substring(0, counter) : value,
                            Math.max(0, answers.get(1).toLong())));
                });
    }

    /** Releases every held lease (graceful shutdown) and stops the watchdog and the subscription. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Cancellable dog = watchdog;
        if (dog != null) {
            dog.cancel();
        }
        for (Lease lease : held()) {
            try {
                release(lease).await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.warnf("Lease %s not released at shutdown: %s", lease, e.getMessage());
            }
        }
        RedisConnection connection = subscription;
        if (connection != null) {
            connection.closeAndForget();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** One acquisition: tries, waits for a release message or the fallback timer, tries again. */
    private final class Attempt {
        private final String resource;
        private final long startedAt;
        private final long deadline;
        private final Duration timeout;
        private final UniEmitter<? super Lease> emitter;
        private final AtomicBoolean inFlight = new AtomicBoolean();
        private volatile boolean wakeAgain;
        private volatile boolean done;
        private volatile Cancellable retry;

        Attempt(String resource, long now, Duration timeout, UniEmitter<? super Lease> emitter) {
            this.resource = resource;
            this.startedAt = now;
            long nanos = timeout.toNanos();
            this.deadline = nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos;
            this.timeout = timeout;
            this.emitter = emitter;
        }

        void wake() {
            Cancellable pending = retry;
            if (pending != null) {
                pending.cancel();
            }
            tryNow();
        }

        void tryNow() {
            if (done) {
                return;
            }
            if (!inFlight.compareAndSet(false, true)) {
                wakeAgain = true;
                return;
            }
            wakeAgain = false;
            contenders.put(resource, this);
            String token = replicaId + ":" + counter.incrementAndGet();
            ACQUIRE.call(redis, List.of(lockKey(resource), fenceKey(resource)), List.of(token, Long.toString(ttlMillis)))
                    .subscribe().with(answer -> answered(token, answer.toLong()), this::failed);
        }

        private void answered(String token, long answer) {
            long now = clock.nanoTime();
            if (answer > 0) {
                Lease lease = new Lease(resource, lockKey(resource), token, answer, now + ttlMillis * 1_000_000);
                if (finish()) {
                    held.put(resource, lease);
                    emitter.complete(lease);
                } else {
                    release(lease).subscribe().with(ignored -> { }, ignored -> { });
                }
                return;
            }
            if (now >= deadline) {
                if (finish()) {
                    emitter.fail(new LockTimeoutException(resource, LockMode.EXCLUSIVE, Duration.ofNanos(now - startedAt), timeout));
                }
                return;
            }
            // Cleared only on the way to another try: while an answer that ends the attempt is
            // handled, a wake-up must not start a try that would register this finished attempt
            // as a contender again.
            inFlight.set(false);
            if (wakeAgain) {
                tryNow();
                return;
            }
            long holderTtlNanos = (-answer - 1) * 1_000_000 + 1_000_000;
            long wait = Math.min(Math.min(holderTtlNanos, retryIntervalNanos), deadline - now);
            retry = clock.schedule(Math.max(wait, 1), this::tryNow);
        }

        private void failed(Throwable failure) {
            backendErrors.increment();
            if (finish()) {
                emitter.fail(new LockBackendUnavailableException("Redis lease on '" + resource + "' could not be taken: "
                        + failure.getMessage(), failure));
            }
        }

        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            contenders.remove(resource, this);
            Cancellable pending = retry;
            if (pending != null) {
                pending.cancel();
            }
            return true;
        }

        void stop() {
            finish();
        }
    }

    // ---------------------------------------------------------------------------------------------

    private void subscribe() {
        if (closed.get()) {
            return;
        }
        redis.connect().subscribe().with(connection -> {
            subscription = connection;
            connection.handler(this::onMessage);
            connection.exceptionHandler(failure -> LOG.debugf("release subscription: %s", failure.getMessage()));
            connection.endHandler(this::resubscribeLater);
            connection.send(Request.cmd(Command.SUBSCRIBE).arg(CHANNEL)).subscribe().with(
                    ignored -> wakeEveryone(),
                    failure -> {
                        connection.closeAndForget();
                        resubscribeLater();
                    });
        }, failure -> resubscribeLater());
    }

    private void resubscribeLater() {
        if (!closed.get()) {
            clock.schedule(Duration.ofMillis(500).toNanos(), this::subscribe);
        }
    }

    /** After (re)subscribing, releases may have been missed: let every contender try again now. */
    private void wakeEveryone() {
        contenders.values().forEach(Attempt::wake);
    }

    private void onMessage(Response message) {
        // RESP2 push: ["message", channel, payload]; RESP3 arrives the same way through this handler.
        if (message.size() == 3 && "message".equals(message.get(0).toString())) {
            Attempt attempt = contenders.get(message.get(2).toString());
            if (attempt != null) {
                attempt.wake();
            }
        }
    }

    private void scheduleWatchdog() {
        if (!closed.get()) {
            watchdog = clock.schedule(Math.max(1, ttlMillis / 3) * 1_000_000, () -> {
                renewAll();
                scheduleWatchdog();
            });
        }
    }

    private void renewAll() {
        if (held.isEmpty()) {
            return;
        }
        if (!cluster) {
            renew(new ArrayList<>(held.values()));
            return;
        }
        Map<Integer, List<Lease>> bySlot = new java.util.HashMap<>();
        for (Lease lease : held.values()) {
            bySlot.computeIfAbsent(HashSlots.slot(lease.key()), slot -> new ArrayList<>()).add(lease);
        }
        bySlot.values().forEach(this::renew);
    }

    private void renew(List<Lease> leases) {
        List<String> keys = new ArrayList<>(leases.size());
        List<String> args = new ArrayList<>(leases.size() + 1);
        args.add(Long.toString(ttlMillis));
        for (Lease lease : leases) {
            keys.add(lease.key());
            args.add(lease.token());
        }
        long sentAt = clock.nanoTime();
        RENEW.call(redis, keys, args).subscribe().with(answer -> {
            for (int i = 0; i < leases.size(); i++) {
                Lease lease = leases.get(i);
                if (answer.get(i).toLong() == 1) {
                    lease.renewedUntil(sentAt + ttlMillis * 1_000_000);
                    renewals.increment();
                } else if (held.remove(lease.resource(), lease)) {
                    lost(lease); // a lease released meanwhile is not in `held` any more: not lost
                }
            }
        }, failure -> {
            backendErrors.increment();
            long now = clock.nanoTime();
            for (Lease lease : leases) {
                if (now >= lease.validUntilNanos() && held.remove(lease.resource(), lease)) {
                    lost(lease);
                }
            }
        });
    }

    private void lost(Lease lease) {
        if (lease.markLost()) {
            leaseLost.increment();
            LOG.warnf("lease lost: %s (expired or taken while held; guarded writes with it are refused)", lease);
            lease.signalLost();
        }
    }

    /**
     * Stops the watchdog and the subscription, leaving held leases to expire: what a frozen or
     * crashed replica looks like to the others. For failure drills and tests.
     */
    public void stopRenewing() {
        Cancellable dog = watchdog;
        closed.set(true);
        if (dog != null) {
            dog.cancel();
        }
    }
}
