package io.zantara.lock;

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

    /** A hold of the local tier only. */
    static Hold local(String key, LockMode mode) {
        return new Hold() {
            @Override
            public String key() {
                return key;
            }

            @Override
            public LockMode mode() {
                return mode;
            }

            @Override
            public long fencingToken() {
                return 0;
            }

            @Override
            public boolean leaseLost() {
                return false;
            }
        };
    }
}
