package io.zantara.lock;

import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Time as the lock sees it: a monotonic reading and a way to run a task later (acquisition
 * timeouts). Injected so that tests can drive time by hand instead of sleeping.
 */
public interface LockClock {

    long nanoTime();

    /** Runs {@code task} once after {@code delayNanos}, unless cancelled first. */
    Cancellable schedule(long delayNanos, Runnable task);
}
