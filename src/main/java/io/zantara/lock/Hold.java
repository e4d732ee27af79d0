package io.zantara.lock;

import io.smallrye.mutiny.Uni;

/**
 * What guarded work knows about its hold: the key, and with the Redis backend the fencing token of
 * its lease and whether the lease was lost (expired or taken) while the work ran.
 */
public interface Hold {

    String key();

    LockMode mode();

    /**
     * A number that grows with every exclusive hold of this key across all replicas, to be checked
     * by guarded writes ({@link Fence}). 0 when the hold is local only (SHARED, or the local backend).
     */
    long fencingToken();

    /** True once the lease behind this hold is known to be gone; a guarded write must not commit. */
    boolean leaseLost();

    /** Emits when the lease behind this hold is found lost; never, for a local hold or a normal end. */
    Uni<Void> whenLeaseLost();

    /** A hold of the local tier only. */
    static Hold local(String key, LockMode mode) {
        return new Local(key, mode);
    }

    /** Local tier only: no lease, so no fencing token and nothing to lose. */
    record Local(String key, LockMode mode) implements Hold {
        @Override
        public long fencingToken() {
            return 0;
        }

        @Override
        public boolean leaseLost() {
            return false;
        }

        @Override
        public Uni<Void> whenLeaseLost() {
            return Uni.createFrom().nothing();
        }
    }
}
