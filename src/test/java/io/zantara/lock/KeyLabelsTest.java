package io.zantara.lock;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyLabelsTest {

    @Test
    void raw_withinCap_keepsTheKey_beyondCapReportsOther() {
        KeyLabels labels = new KeyLabels(LabelPolicy.RAW, 2);

        assertEquals("alice", labels.of("alice"));
        assertEquals("bob", labels.of("bob"));
        assertEquals(KeyLabels.OTHER, labels.of("carol"));
        assertEquals("alice", labels.of("alice"), "a key seen before the cap keeps its label");
    }

    @Test
    void hashed_isShortStableAndDistinct() {
        KeyLabels labels = new KeyLabels(LabelPolicy.HASHED, 10);

        String alice = labels.of("alice@example.com");
        assertEquals(12, alice.length());
        assertTrue(alice.matches("[0-9a-f]{12}"));
        assertEquals(alice, new KeyLabels(LabelPolicy.HASHED, 10).of("alice@example.com"), "same in every replica");
        assertNotEquals(alice, labels.of("bob@example.com"));
    }

    @Test
    void off_exportsOneConstantValue() {
        KeyLabels labels = new KeyLabels(LabelPolicy.OFF, 100);

        assertEquals(KeyLabels.REDACTED, labels.of("alice"));
        assertEquals(KeyLabels.REDACTED, labels.of("bob"));
    }
}
