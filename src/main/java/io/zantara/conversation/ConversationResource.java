package io.zantara.conversation;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.zantara.api.Caller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.Optional;

/** The caller's conversations: save (cache, database, outbox) and history. */
@Path("/api/conversations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "conversations")
@SecurityRequirement(name = "jwt")
@APIResponse(responseCode = "401", description = "No valid bearer token")
public class ConversationResource {

    private final ConversationService conversations;
    private final Caller caller;

    public ConversationResource(ConversationService conversations, Caller caller) {
        this.conversations = conversations;
        this.caller = caller;
    }

    @POST
    @Path("/save")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save messages of a session",
            description = "1 to 500 messages of at most 32 KiB each. A missing session_id gets a new UUID. With the same "
                    + "Idempotency-Key, a repeated request is saved once and answered alike.")
    @APIResponse(responseCode = "201", description = "Saved in PostgreSQL")
    @APIResponse(responseCode = "202", description = "PostgreSQL failed after retries: accepted into the durable outbox, "
            + "written to PostgreSQL in the background")
    @APIResponse(responseCode = "400", description = "Bad input (problem+json naming the fields)")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used before for a different request")
    @APIResponse(responseCode = "503", description = "Neither PostgreSQL nor Redis took the conversation; nothing was saved")
    public Uni<RestResponse<ConversationRecords.SaveView>> save(
            @HeaderParam("Idempotency-Key") @Size(min = 1, max = 255) @Pattern(regexp = "[\\x21-\\x7E]+",
                    message = "must be 1 to 255 visible ASCII characters") String idempotencyKey,
            @NotNull @Valid ConversationRecords.SaveRequest request) {
        return conversations.save(caller.userId(), request, Optional.ofNullable(idempotencyKey))
                .map(saved -> RestResponse.status(saved.inDatabase() ? RestResponse.Status.CREATED : RestResponse.Status.ACCEPTED,
                        saved.view()));
    }

    @GET
    @Path("/history")
    @Operation(summary = "The newest messages of one of the caller's sessions, oldest first",
            description = "source is cache when the Redis cache holds enough of the session, else db (PostgreSQL, plus "
                    + "messages still in the outbox).")
    @APIResponse(responseCode = "200", description = "The messages")
    @APIResponse(responseCode = "404", description = "The caller has no such session")
    @APIResponse(responseCode = "503", description = "PostgreSQL could not be read")
    public Uni<ConversationRecords.HistoryView> history(
            @QueryParam("session_id") @NotNull @Pattern(regexp = ConversationRecords.SESSION_ID,
                    message = ConversationRecords.SESSION_ID_MESSAGE) String sessionId,
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit) {
        return conversations.history(caller.userId(), sessionId, limit);
    }
}
