package io.zantara.lock;

import java.time.Duration;
import java.util.List;

/**
 * What one key looks like at an instant: who holds it and who waits for it, in order.
 *
 * @param holders current holders (one EXCLUSIVE, or up to the cap of SHARED)
 * @param waiters queued requests, head first
 */
public record KeySnapshot(String key, List<Claim> holders, List<Claim> waiters) {

    public KeySnapshot {
        holders = List.copyOf(holders);
        waiters = List.copyOf(waiters);
    }

    /** How long the longest current hold has lasted; zero when nobody holds the key. */
    public Duration oldestHold() {
        return holders.stream().map(Claim::age).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /**
     * One holder or waiter.
     *
     * @param owner what the request said it was for, or null
     * @param age   time since the grant (holders) or since the request (waiters)
     */
    public record Claim(LockMode mode, String owner, Duration age) {
    }
}
