package io.zantara.api;

import io.quarkus.runtime.configuration.MemorySize;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BodyLimitsTest {

    private final BodyLimits limits = limits("/api/conversations/save", "/api/collections/*/documents");

    @Test
    void limitFor_listedPath_isTheLargeLimit() {
        assertEquals(50_000, limits.limitFor("/api/conversations/save"));
    }

    @Test
    void limitFor_starMatchesExactlyOneSegment() {
        assertEquals(50_000, limits.limitFor("/api/collections/handbook-2026/documents"));
        assertEquals(1_000, limits.limitFor("/api/collections/a/b/documents"));
        assertEquals(1_000, limits.limitFor("/api/collections//documents"));
    }

    @Test
    void limitFor_otherPaths_isTheDefaultLimit() {
        assertEquals(1_000, limits.limitFor("/api/memory/facts"));
        assertEquals(1_000, limits.limitFor("/api/conversations/save/more"));
        assertEquals(1_000, limits.limitFor("/api/collections/x/search"));
    }

    @Test
    void limitFor_regexCharactersInAPathAreLiteral() {
        assertEquals(1_000, limits("/a.b").limitFor("/axb"));
        assertEquals(50_000, limits("/a.b").limitFor("/a.b"));
    }

    private static BodyLimits limits(String... largeBodyPaths) {
        return new BodyLimits(new HttpConfig() {
            @Override
            public MemorySize maxBodySize() {
                return new MemorySize(BigInteger.valueOf(1_000));
            }

            @Override
            public MemorySize maxLargeBodySize() {
                return new MemorySize(BigInteger.valueOf(50_000));
            }

            @Override
            public List<String> largeBodyPaths() {
                return List.of(largeBodyPaths);
            }
        });
    }
}
