package io.zantara.api;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** A test-only resource that exercises the error mapping without depending on a domain feature. */
@Path("/test-probe")
public class ProblemProbeResource {

    public record Item(@NotBlank @Size(max = 10) String content) {
    }

    public record Batch(@NotEmpty @Size(max = 3) List<@Valid Item> items) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public int accept(@NotNull @Valid Batch batch) {
        return batch.items().size();
    }

    @GET
    @Path("/limited")
    public int limited(@QueryParam("limit") @Max(100) int limit) {
        return limit;
    }

    @GET
    @Path("/boom")
    public String boom() {
        throw new IllegalStateException("secret internal detail");
    }
}
