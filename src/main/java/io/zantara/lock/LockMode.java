package io.zantara.lock;

/** How a key is held: many {@link #SHARED} holders (up to a cap) or one {@link #EXCLUSIVE} holder. */
public enum LockMode {
    /** Readers: may hold together, never together with a writer. */
    SHARED,
    /** A writer: holds the key alone. */
    EXCLUSIVE
}
