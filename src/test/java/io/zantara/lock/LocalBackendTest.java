package io.zantara.lock;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code zantara.lock.backend=local}: the single-replica tier, no leases, no fencing tokens. */
@QuarkusTest
@TestProfile(LocalBackendTest.Local.class)
class LocalBackendTest {

    public static class Local implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("zantara.lock.backend", "local");
        }
    }

    @Inject
    LockManager locks;

    @Test
    void localBackend_holdsWithoutALease() {
        long token = locks.memory().withHold("local-" + UUID.randomUUID(), LockMode.EXCLUSIVE, "write",
                hold -> Uni.createFrom().item(hold.fencingToken())).await().atMost(Duration.ofSeconds(5));

        assertTrue(locks.leases().isEmpty());
        assertEquals(0, token);
    }
}
