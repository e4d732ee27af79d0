package io.zantara.lock;

import io.smallrye.mutiny.subscription.Cancellable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/** A clock that moves only when a test says so; timers fire inside {@link #advance}. */
final class ManualLockClock implements LockClock {

    private record Task(long due, long seq, Runnable action, boolean[] cancelled) {
    }

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
            a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
    private long now = 1_000_000_000L;
    private long seq;

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(long delayNanos, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delayNanos, seq++, task, cancelled));
        return () -> {
            synchronized (this) {
                cancelled[0] = true;
            }
        };
    }

    synchronized int pendingTimers() {
        return (int) tasks.stream().filter(t -> !t.cancelled[0]).count();
    }

    void advance(Duration by) {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            now += by.toNanos();
            while (!tasks.isEmpty() && tasks.peek().due <= now) {
                Task task = tasks.poll();
                if (!task.cancelled[0]) {
                    due.add(task.action);
                }
            }
        }
        due.forEach(Runnable::run);
    }
}
