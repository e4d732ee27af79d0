package io.zantara.lock;

/**
 * The distributed tier (Redis) could not be reached or answered with an error. The acquisition
 * failed; nothing was held. The lock never falls back to local-only exclusion.
 */
public class LockBackendUnavailableException extends RuntimeException {

    private final String family;

    public LockBackendUnavailableException(String message, Throwable cause) {
        this(message, cause, null);
    }

    private LockBackendUnavailableException(String message, Throwable cause, String family) {
        super(message, cause);
        this.family = family;
    }

    public LockBackendUnavailableException in(String familyName) {
        return new LockBackendUnavailableException(getMessage(), getCause(), familyName);
    }

    /** The lock family, or null when not told. */
    public String family() {
        return family;
    }
}
