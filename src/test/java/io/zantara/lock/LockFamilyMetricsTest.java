package io.zantara.lock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.UniEmitter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.zantara.lock.LockMode.EXCLUSIVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LockFamilyMetricsTest {

    private final ManualLockClock clock = new ManualLockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final KeyedLock lock = new KeyedLock("memory", 10, clock);
    private final LockFamily family = new LockFamily("memory", Duration.ofSeconds(5), lock,
            new FamilyMetrics(registry, "memory", "user_id", new KeyLabels(LabelPolicy.RAW, 1), lock), clock, null);

    private Timer contention(String user, String operation) {
        return registry.find("zantara.memory.lock.contention").tags("user_id", user, "operation", operation).timer();
    }

    @Test
    void uncontendedAcquisition_recordsAZeroWait() {
        family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().item(1)).await().indefinitely();

        Timer wait = contention("alice", "add_facts");
        assertEquals(1, wait.count());
        assertEquals(0.0, wait.totalTime(TimeUnit.NANOSECONDS));
    }

    @Test
    void contendedAcquisition_recordsTheWaitOnly_andTheHoldSeparately() {
        AtomicReference<UniEmitter<? super Integer>> first = new AtomicReference<>();
        family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().<Integer>emitter(first::set))
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Integer> second = family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().item(2))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        clock.advance(Duration.ofMillis(40));
        first.get().complete(1);

        second.assertItem(2);
        Timer wait = contention("alice", "add_facts");
        assertEquals(2, wait.count());
        assertEquals(40.0, wait.totalTime(TimeUnit.MILLISECONDS));
        Timer hold = registry.find("zantara.memory.lock.hold").tags("user_id", "alice").timer();
        assertEquals(2, hold.count());
        assertEquals(40.0, hold.totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void timeout_movesTheCounterWithUserAndOperation_andNamesTheFamily() {
        family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().nothing())
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        UniAssertSubscriber<Object> late = family.withLock("alice", EXCLUSIVE, "delete_fact", Duration.ofMillis(100),
                () -> Uni.createFrom().item(1)).subscribe().withSubscriber(UniAssertSubscriber.create());

        clock.advance(Duration.ofMillis(100));

        LockTimeoutException failure = (LockTimeoutException) late.assertFailedWith(LockTimeoutException.class).getFailure();
        assertEquals("memory", failure.family());
        assertEquals("delete_fact", failure.operation());
        Counter timeouts = registry.find("zantara.memory.lock.timeout").tags("user_id", "alice", "operation", "delete_fact").counter();
        assertEquals(1.0, timeouts.count());
        assertEquals(100.0, contention("alice", "delete_fact").totalTime(TimeUnit.MILLISECONDS));
    }

    @Test
    void usersBeyondTheLabelCap_areReportedAsOther() {
        family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().item(1)).await().indefinitely();
        family.withLock("bob", EXCLUSIVE, "add_facts", () -> Uni.createFrom().item(1)).await().indefinitely();
        family.withLock("carol", EXCLUSIVE, "add_facts", () -> Uni.createFrom().item(1)).await().indefinitely();

        assertEquals(1, contention("alice", "add_facts").count());
        assertEquals(2, contention(KeyLabels.OTHER, "add_facts").count());
        assertNull(registry.find("zantara.memory.lock.contention").tags("user_id", "bob").timer());
    }

    @Test
    void waitersGauge_followsTheQueue() {
        family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().nothing())
                .subscribe().withSubscriber(UniAssertSubscriber.create());
        family.withLock("alice", EXCLUSIVE, "add_facts", () -> Uni.createFrom().item(1))
                .subscribe().withSubscriber(UniAssertSubscriber.create());

        assertEquals(1.0, registry.find("zantara.memory.lock.waiters").gauge().value());
        assertEquals(1.0, registry.find("zantara.memory.lock.keys").gauge().value());
    }
}
