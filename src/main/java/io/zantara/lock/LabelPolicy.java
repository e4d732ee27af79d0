package io.zantara.lock;

/** What a lock key becomes in a metric label. */
public enum LabelPolicy {
    /** The key itself (within the cap of distinct values). */
    RAW,
    /** A short stable hash of the key, the same in every replica; the lock inspector shows both. */
    HASHED,
    /** One constant value: no per-key series at all. */
    OFF
}
