package io.zantara.lock.redis;

import io.smallrye.mutiny.Uni;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One held Redis lease: {@code SET <key> <token> NX PX <ttl>}, renewed by the replica's watchdog
 * until released. Lost when a renewal finds the key gone or held by another token.
 */
public final class Lease {

    private final String resource;
    private final String key;
    private final String token;
    private final long fencingToken;
    private final AtomicBoolean lost = new AtomicBoolean();
    private final CompletableFuture<Void> lostSignal = new CompletableFuture<>();
    private volatile long validUntilNanos;

    Lease(String resource, String key, String token, long fencingToken, long validUntilNanos) {
        this.resource = resource;
        this.key = key;
        this.token = token;
        this.fencingToken = fencingToken;
        this.validUntilNanos = validUntilNanos;
    }

    public String resource() {
        return resource;
    }

    String key() {
        return key;
    }

    /** The unique value stored under the lock key: replica id and a per-replica counter. */
    public String token() {
        return token;
    }

    /** From {@code INCR} on the resource's fence key: grows with every acquisition in any replica. */
    public long fencingToken() {
        return fencingToken;
    }

    public boolean isLost() {
        return lost.get();
    }

    /** Emits once the lease is known lost; never emits for a lease released normally. */
    public Uni<Void> whenLost() {
        return Uni.createFrom().completionStage(lostSignal);
    }

    long validUntilNanos() {
        return validUntilNanos;
    }

    void renewedUntil(long nanos) {
        validUntilNanos = nanos;
    }

    /** @return true the first time only; listeners hear of it through {@link #signalLost()} */
    boolean markLost() {
        return lost.compareAndSet(false, true);
    }

    void signalLost() {
        lostSignal.complete(null);
    }

    @Override
    public String toString() {
        return "Lease[" + resource + " " + token + " fence=" + fencingToken + (isLost() ? " LOST" : "") + "]";
    }
}
