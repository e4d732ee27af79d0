package io.zantara.lock;

import io.smallrye.mutiny.subscription.Cancellable;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * {@link System#nanoTime()} and one daemon timer thread. Only contended acquisitions schedule
 * anything, and a cancelled timeout is removed from the timer queue at once, so granted waiters
 * leave no garbage behind.
 */
public final class SystemLockClock implements LockClock, AutoCloseable {

    private final ScheduledThreadPoolExecutor timer;

    public SystemLockClock(String threadName) {
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        this.timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Cancellable schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> future = timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
