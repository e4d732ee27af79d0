package io.zantara.lock;

import java.time.Duration;

/** An acquisition that was not granted within its timeout. The waiter has left the queue. */
public class LockTimeoutException extends RuntimeException {

    private final String key;
    private final LockMode mode;
    private final Duration waited;
    private final Duration timeout;

    public LockTimeoutException(String key, LockMode mode, Duration waited, Duration timeout) {
        super(mode + " lock on '" + key + "' not granted after " + waited.toMillis() + " ms (timeout "
                + timeout.toMillis() + " ms)", null, false, false);
        this.key = key;
        this.mode = mode;
        this.waited = waited;
        this.timeout = timeout;
    }

    public String key() {
        return key;
    }

    public LockMode mode() {
        return mode;
    }

    public Duration waited() {
        return waited;
    }

    public Duration timeout() {
        return timeout;
    }
}
