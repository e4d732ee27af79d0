package io.zantara.memory;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.zantara.api.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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

import java.util.UUID;

/** The caller's own memory: facts and context. The user is the token's, never the body's. */
@Path("/api/memory")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "memory")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "503", description = "The user's memory lock was busy (lock-timeout) or Redis is unreachable (lock-backend-unavailable)")
public class MemoryResource {

    private final MemoryService memory;
    private final Caller caller;

    public MemoryResource(MemoryService memory, Caller caller) {
        this.memory = memory;
        this.caller = caller;
    }

    @POST
    @Path("/facts")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Remember facts", description = "Stores 1 to 100 facts, deduplicated by normalized content.")
    @APIResponse(responseCode = "200", description = "Saved, duplicates, and the user's total")
    @APIResponse(responseCode = "400", description = "Bad input (problem+json naming the fields)")
    public Uni<MemoryRecords.FactsSavedView> addFacts(@NotNull @Valid MemoryRecords.AddFactsRequest request) {
        return memory.addFacts(caller.userId(), request.facts());
    }

    @GET
    @Path("/context")
    @Operation(summary = "The caller's facts, newest first, with counters")
    public Uni<MemoryRecords.ContextView> context(@QueryParam("limit") @DefaultValue("20") @Min(1) @Max(100) int limit) {
        return memory.context(caller.userId(), limit);
    }

    @DELETE
    @Path("/facts/{id}")
    @Operation(summary = "Forget one of the caller's facts")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such fact of the caller's")
    public Uni<Void> deleteFact(@PathParam("id") String id) {
        UUID fact;
        try {
            fact = UUID.fromString(id);
        } catch (IllegalArgumentException notAUuid) {
            return Uni.createFrom().failure(MemoryService.notFound());
        }
        return memory.deleteFact(caller.userId(), fact);
    }
}
