package io.zantara.collective;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.zantara.api.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Collective memory: facts confirmed by several users. */
@Path("/api/collective-memory")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "collective-memory")
@SecurityRequirement(name = "jwt")
public class CollectiveMemoryResource {

    private final CollectiveMemoryService collective;
    private final Caller caller;

    public CollectiveMemoryResource(CollectiveMemoryService collective, Caller caller) {
        this.collective = collective;
        this.caller = caller;
    }

    @POST
    @Path("/contribute")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Contribute a fact", description = "Each user counts once; promoted at three distinct users.")
    @APIResponse(responseCode = "200", description = "created, confirmed or already_contributed, with the counts")
    @APIResponse(responseCode = "400", description = "Bad input (problem+json naming the fields)")
    @APIResponse(responseCode = "401", description = "No valid bearer token")
    public Uni<CollectiveRecords.ContributionView> contribute(@NotNull @Valid CollectiveRecords.ContributeRequest request) {
        return collective.contribute(caller.userId(), request.content(), request.category());
    }
}
