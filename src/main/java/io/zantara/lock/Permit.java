package io.zantara.lock;

/**
 * A granted hold on one key. Obtained from {@link KeyedLock#acquire}; given back with
 * {@link #release()}.
 *
 * <p>A permit has no thread affinity: it may be released from any thread, and releasing it more than
 * once does nothing after the first time.
 */
public interface Permit {

    String key();

    LockMode mode();

    /** How long the acquisition waited for this permit, in nanoseconds (0 when granted at once). */
    long waitedNanos();

    /** When the permit was granted, on the lock's {@link LockClock}. */
    long grantedAtNanos();

    /**
     * Gives the hold back and hands the key on to the next waiter. Idempotent and thread-safe:
     * only the first call has an effect.
     */
    void release();

    boolean isReleased();
}
