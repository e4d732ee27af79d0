package io.zantara.collection;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/** The JSON shapes of the collection API. */
public final class CollectionRecords {

    /** A collection name: 1 to 64 of {@code [a-z0-9_-]}. */
    public static final String NAME = "^[a-z0-9_-]{1,64}$";

    private CollectionRecords() {
    }

    /** {@code POST /api/collections/{name}/documents}: 1 to 500 documents. */
    public record IngestRequest(@NotNull @Size(min = 1, max = 500) List<@NotNull @Valid DocumentInput> documents) {
    }

    /**
     * One document. Without an id, the hash of its content is its id, so ingesting it again changes
     * nothing. Content at most 100 KiB (102,400 characters).
     */
    public record DocumentInput(
            @Size(min = 1, max = 200) @Pattern(regexp = "^[^\\p{Cntrl}]+$") String id,
            @NotBlank @Size(max = 102_400) String content,
            Map<String, Object> metadata) {
    }

    public record IngestedView(
            String collection,
            @JsonProperty("documents_ingested") int documentsIngested,
            @JsonProperty("documents_unchanged") int documentsUnchanged) {
    }

    public record SearchResult(String id, double score, String snippet, Map<String, Object> metadata) {
    }

    public record SearchView(List<SearchResult> results) {
    }
}
