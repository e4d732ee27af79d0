package io.zantara.memory;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The JSON shapes of the memory API. */
public final class MemoryRecords {

    private MemoryRecords() {
    }

    /** {@code POST /api/memory/facts}: 1 to 100 facts. */
    public record AddFactsRequest(@NotNull @Size(min = 1, max = 100) List<@NotNull @Valid FactInput> facts) {
    }

    /** One fact to remember; {@code confidence} between 0 and 1. */
    public record FactInput(
            @NotBlank @Size(max = 4000) String content,
            @Size(max = 64) String category,
            @DecimalMin("0.0") @DecimalMax("1.0") Double confidence) {
    }

    public record FactsSavedView(int saved, int duplicates, @JsonProperty("total_facts") int totalFacts) {
    }

    public record FactView(UUID id, String content, String category, Double confidence,
                    @JsonProperty("created_at") OffsetDateTime createdAt) {
    }

    public record ContextView(
            List<FactView> facts,
            @JsonProperty("facts_count") int factsCount,
            @JsonProperty("last_updated") OffsetDateTime lastUpdated,
            @JsonProperty("has_data") boolean hasData) {
    }
}
