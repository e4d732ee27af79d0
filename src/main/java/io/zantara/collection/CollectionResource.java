package io.zantara.collection;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Document collections: idempotent ingestion and ranked full-text search. */
@Path("/api/collections/{name}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "collections")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "400", description = "Bad input (problem+json naming the fields)")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "503", description = "The collection's lock was busy (lock-timeout) or Redis is unreachable (lock-backend-unavailable)")
public class CollectionResource {

    private final CollectionService collections;

    public CollectionResource(CollectionService collections) {
        this.collections = collections;
    }

    @POST
    @Path("/documents")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ingest documents", description = "Upserts by id (the content hash when no id): replaying a batch changes nothing.")
    public Uni<CollectionRecords.IngestedView> ingest(@PathParam("name") @Pattern(regexp = CollectionRecords.NAME) String name,
                                                      @NotNull @Valid CollectionRecords.IngestRequest request) {
        return collections.ingest(name, request.documents());
    }

    @GET
    @Path("/search")
    @Operation(summary = "Full-text search in a collection, best matches first")
    public Uni<CollectionRecords.SearchView> search(@PathParam("name") @Pattern(regexp = CollectionRecords.NAME) String name,
                                                    @QueryParam("q") @NotBlank @Size(max = 1000) String q,
                                                    @QueryParam("limit") @DefaultValue("10") @Min(1) @Max(100) int limit) {
        return collections.search(name, q, limit);
    }
}
