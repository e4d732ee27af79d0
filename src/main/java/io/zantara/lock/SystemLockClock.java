package io.zantara.lock;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.smallrye.mutiny.subscription.Cancellable;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * {@link System#nanoTime()} and a hashed wheel timer (Netty's) for acquisition timeouts.
 *
 * <p>Why a wheel: every contended acquisition arms a timeout and nearly every one is cancelled
 * again by its grant. A wheel schedules and cancels in O(1) without a lock (a queue offer each),
 * where a {@code ScheduledThreadPoolExecutor} takes a lock and re-heaps twice per waiter; that
 * difference was most of the cost of a contended handoff. The price is precision: a timeout fires
 * up to one tick late, which is nothing against lock timeouts of seconds.
 */
public final class SystemLockClock implements LockClock, AutoCloseable {

    private static final long TICK_MILLIS = 10;

    private final HashedWheelTimer timer;

    public SystemLockClock(String threadName) {
        ThreadFactory threads = runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        };
        this.timer = new HashedWheelTimer(threads, TICK_MILLIS, TimeUnit.MILLISECONDS, 512, false);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        Timeout timeout = timer.newTimeout(ignored -> task.run(), delayNanos, TimeUnit.NANOSECONDS);
        return timeout::cancel;
    }

    @Override
    public void close() {
        timer.stop();
    }
}
