package io.zantara.lock;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.AbstractUni;
import io.smallrye.mutiny.subscription.UniSubscriber;
import io.smallrye.mutiny.subscription.UniSubscription;

import java.util.Objects;
import java.util.function.Function;

/**
 * Acquire, run, release: the operator behind {@code withLock}.
 *
 * <p>Cancellation while waiting leaves the queue. Cancellation once the guarded work has started
 * does <em>not</em> cut the work short: the subscriber hears nothing more, the work runs to its end
 * and the hold is released when it terminates. A Mutiny cancellation gives no signal when the
 * cancelled work has actually stopped, so releasing at cancel time would let the next holder in
 * while an uncancellable write (a SQL statement in flight) may still be running. Guarded work must
 * therefore terminate; the lock never releases a key under a running action.
 *
 * <p>Written by hand rather than composed from Mutiny operators because a composed chain can drop
 * a permit that arrives while a cancellation is under way, and a dropped permit is a leaked lock.
 */
final class HoldingUni<T> extends AbstractUni<T> {

    private final Uni<Permit> acquisition;
    private final Function<Permit, Uni<T>> action;

    private HoldingUni(Uni<Permit> acquisition, Function<Permit, Uni<T>> action) {
        this.acquisition = acquisition;
        this.action = action;
    }

    static <T> Uni<T> of(Uni<Permit> acquisition, Function<Permit, Uni<T>> action) {
        return new HoldingUni<>(Objects.requireNonNull(acquisition, "acquisition"), Objects.requireNonNull(action, "action"));
    }

    @Override
    public void subscribe(UniSubscriber<? super T> downstream) {
        Holding<T> holding = new Holding<>(downstream, action);
        downstream.onSubscribe(holding);
        if (!holding.cancelled) {
            AbstractUni.subscribe(acquisition, holding.onPermit);
        }
    }

    private static final class Holding<T> implements UniSubscription {
        private final UniSubscriber<? super T> downstream;
        private final Function<Permit, Uni<T>> action;
        private volatile boolean cancelled;
        private volatile UniSubscription acquisition;

        final UniSubscriber<Permit> onPermit = new UniSubscriber<>() {
            @Override
            public void onSubscribe(UniSubscription subscription) {
                acquisition = subscription;
                if (cancelled) {
                    subscription.cancel();
                }
            }

            @Override
            public void onItem(Permit granted) {
                run(granted);
            }

            @Override
            public void onFailure(Throwable failure) {
                if (!cancelled) {
                    downstream.onFailure(failure);
                }
            }
        };

        Holding(UniSubscriber<? super T> downstream, Function<Permit, Uni<T>> action) {
            this.downstream = downstream;
            this.action = action;
        }

        private void run(Permit permit) {
            if (cancelled) {
                permit.release();
                return;
            }
            Uni<T> work;
            try {
                work = Objects.requireNonNull(action.apply(permit), "the guarded action returned null instead of a Uni");
            } catch (Throwable failure) {
                permit.release();
                downstream.onFailure(failure);
                return;
            }
            AbstractUni.subscribe(work, new UniSubscriber<T>() {
                @Override
                public void onSubscribe(UniSubscription subscription) {
                    // Deliberately kept from cancel(): see the class comment.
                }

                @Override
                public void onItem(T item) {
                    permit.release();
                    if (!cancelled) {
                        downstream.onItem(item);
                    }
                }

                @Override
                public void onFailure(Throwable failure) {
                    permit.release();
                    if (!cancelled) {
                        downstream.onFailure(failure);
                    }
                }
            });
        }

        /** Stops waiting for the key; work already started finishes and then releases. */
        @Override
        public void cancel() {
            cancelled = true;
            UniSubscription waiting = acquisition;
            if (waiting != null) {
                waiting.cancel();
            }
        }
    }
}
