package io.zantara.lock;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns lock keys into bounded metric label values: at most {@code maxValues} distinct values are
 * ever handed out (first come, first served), every further key maps to {@link #OTHER}. The
 * mapping is remembered, so the hash is computed once per key, not once per acquisition.
 */
public final class KeyLabels {

    public static final String OTHER = "other";
    public static final String REDACTED = "redacted";

    private final LabelPolicy policy;
    private final int maxValues;
    private final ConcurrentHashMap<String, String> known = new ConcurrentHashMap<>();
    private final AtomicInteger handedOut = new AtomicInteger();

    public KeyLabels(LabelPolicy policy, int maxValues) {
        if (maxValues < 0) {
            throw new IllegalArgumentException("maxValues must not be negative");
        }
        this.policy = policy;
        this.maxValues = maxValues;
    }

    public String of(String key) {
        if (policy == LabelPolicy.OFF) {
            return REDACTED;
        }
        String label = known.get(key);
        if (label != null) {
            return label;
        }
        if (handedOut.get() >= maxValues) {
            return OTHER;
        }
        return known.computeIfAbsent(key, k -> {
            if (handedOut.getAndIncrement() >= maxValues) {
                handedOut.decrementAndGet();
                return OTHER;
            }
            return policy == LabelPolicy.HASHED ? hash(k) : k;
        });
    }

    /** The first 12 hex digits of SHA-256: stable across replicas and restarts. */
    static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
