package io.zantara.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.zantara.lock.KeySnapshot;
import io.zantara.lock.LockFamily;
import io.zantara.lock.LockManager;
import io.zantara.lock.redis.Lease;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * The lock inspector: for each family, the keys held or awaited in this replica (named as the
 * metric label policy exports them, never raw when the policy hides them), with modes, owners and
 * ages, the oldest hold first, and this replica's Redis leases.
 */
@Path("/api/debug/locks")
@RolesAllowed("admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "debug")
@SecurityRequirement(name = "jwt")
public class LockInspectorResource {

    public record ClaimView(String mode, String operation, @JsonProperty("age_ms") long ageMs) {
    }

    public record KeyView(String key, List<ClaimView> holders, List<ClaimView> waiters) {
    }

    public record FamilyView(String family, @JsonProperty("oldest_hold_ms") long oldestHoldMs, int waiting, List<KeyView> keys) {
    }

    public record LeaseView(String resource, @JsonProperty("fencing_token") long fencingToken, boolean lost) {
    }

    public record LocksView(String backend, @JsonProperty("replica_id") String replicaId, List<FamilyView> families,
                            List<LeaseView> leases) {
    }

    private final LockManager locks;

    public LockInspectorResource(LockManager locks) {
        this.locks = locks;
    }

    @GET
    @Operation(summary = "Held and waiting locks of this replica (admin only)")
    @APIResponse(responseCode = "403", description = "The token lacks the admin group")
    public LocksView locks() {
        List<FamilyView> families = locks.families().stream().map(this::family).toList();
        List<LeaseView> leases = locks.leases().map(tier -> tier.held().stream().map(this::lease).toList())
                .orElse(List.of());
        return new LocksView(locks.leases().isPresent() ? "redis" : "local",
                locks.leases().map(tier -> tier.replicaId()).orElse(null), families, leases);
    }

    private FamilyView family(LockFamily family) {
        List<KeySnapshot> snapshot = family.snapshot();
        List<KeyView> keys = snapshot.stream()
                .map(key -> new KeyView(family.labelOf(key.key()), claims(key.holders()), claims(key.waiters())))
                .toList();
        long oldest = snapshot.stream().mapToLong(key -> key.oldestHold().toMillis()).max().orElse(0);
        return new FamilyView(family.name(), oldest, family.waiting(), keys);
    }

    private static List<ClaimView> claims(List<KeySnapshot.Claim> claims) {
        return claims.stream().map(c -> new ClaimView(c.mode().name(), c.owner(), c.age().toMillis())).toList();
    }

    /** A lease's resource is {@code <family>:<key>}; the key is shown as that family's label policy exports it. */
    private LeaseView lease(Lease lease) {
        String resource = lease.resource();
        int colon = resource.indexOf(':');
        String shown = locks.families().stream()
                .filter(family -> colon > 0 && family.name().equals(resource.substring(0, colon)))
                .findFirst()
                .map(family -> family.name() + ":" + family.labelOf(resource.substring(colon + 1)))
                .orElse(resource);
        return new LeaseView(shown, lease.fencingToken(), lease.isLost());
    }
}
