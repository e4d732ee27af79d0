package io.zantara.collective;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.UUID;

/** The JSON shapes of the collective memory API. */
public final class CollectiveRecords {

    private CollectiveRecords() {
    }

    public record ContributeRequest(@NotBlank @Size(max = 4000) String content, @Size(max = 64) String category) {
    }

    /** {@code status}: {@code created}, {@code confirmed} or {@code already_contributed}. */
    public record ContributionView(
            String status,
            @JsonProperty("memory_id") UUID memoryId,
            @JsonProperty("source_count") int sourceCount,
            @JsonProperty("is_promoted") boolean isPromoted) {
    }
}
