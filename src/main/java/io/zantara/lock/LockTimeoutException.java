package io.zantara.lock;

import java.time.Duration;

/** An acquisition that was not granted within its timeout. The waiter has left the queue. */
public class LockTimeoutException extends RuntimeException {

    private final String key;
    private final LockMode mode;
    private final Duration waited;
    private final Duration timeout;
    private final String family;
    private final String operation;

    public LockTimeoutException(String key, LockMode mode, Duration waited, Duration timeout) {
        this(key, mode, waited, timeout, null, null);
    }

    private LockTimeoutException(String key, LockMode mode, Duration waited, Duration timeout, String family, String operation) {
        super(mode + " lock on '" + key + "' not granted after " + waited.toMillis() + " ms (timeout "
                + timeout.toMillis() + " ms)", null, false, false);
        this.key = key;
        this.mode = mode;
        this.waited = waited;
        this.timeout = timeout;
        this.family = family;
        this.operation = operation;
    }

    /** The same timeout, told by a family: which lock family and which operation it hit. */
    public LockTimeoutException in(String familyName, String operationName) {
        return new LockTimeoutException(key, mode, waited, timeout, familyName, operationName);
    }

    /** The lock family ({@code memory}, {@code collection}), or null for a bare keyed lock. */
    public String family() {
        return family;
    }

    /** The operation that asked for the lock, or null for a bare keyed lock. */
    public String operation() {
        return operation;
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
