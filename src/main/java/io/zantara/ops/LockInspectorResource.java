package io.zantara.ops;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.smallrye.mutiny.Uni;
import io.zantara.lock.KeySnapshot;
import io.zantara.lock.LockFamily;
import io.zantara.lock.LockManager;
import io.zantara.lock.redis.Lease;
import io.zantara.lock.redis.RedisLeases;
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
import java.util.Optional;

/**
 * The lock inspector: for each family, the keys held or awaited in this replica (named as the
 * metric label policy exports them, never raw when the policy hides them), with modes, owners and
 * ages, the oldest hold first; this replica's Redis leases; and, for each lease this replica waits
 * for, the replica that holds it (the place to look for a stuck operation across replicas).
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

    /** A lease another replica holds while this one waits for it: where to look for the stuck holder. */
    public record ContendedView(String resource, @JsonProperty("holder_replica_id") String holderReplicaId,
                                @JsonProperty("ttl_ms") long ttlMs) {
    }

    public record LocksView(String backend, @JsonProperty("replica_id") String replicaId, List<FamilyView> families,
                            List<LeaseView> leases, List<ContendedView> contended) {
    }

    /** Redis lookups per call, at most: one per contended resource. */
    private static final int MAX_CONTENDED = 100;

    private final LockManager locks;

    public LockInspectorResource(LockManager locks) {
        this.locks = locks;
    }

    @GET
    @Operation(summary = "Held and waiting locks of this replica, and who holds the leases it waits for (admin only)")
    @APIResponse(responseCode = "403", description = "The token lacks the admin group")
    public Uni<LocksView> locks() {
        List<FamilyView> families = locks.families().stream().map(this::family).toList();
        Optional<RedisLeases> tier = locks.leases();
        if (tier.isEmpty()) {
            return Uni.createFrom().item(new LocksView("local", null, families, List.of(), List.of()));
        }
        RedisLeases leases = tier.get();
        List<LeaseView> held = leases.held().stream().map(this::lease).toList();
        return contended(leases).map(contended -> new LocksView("redis", leases.replicaId(), families, held, contended));
    }

    /**
     * A lease released meanwhile, or just taken by this replica itself, is left out. When Redis does
     * not answer, the entry stays with an unknown holder (null, ttl -1): the inspector still answers.
     */
    private Uni<List<ContendedView>> contended(RedisLeases leases) {
        List<Uni<Optional<ContendedView>>> lookups = leases.contended().stream().limit(MAX_CONTENDED)
                .map(resource -> leases.holder(resource)
                        .map(holder -> holder
                                .filter(h -> !leases.replicaId().equals(h.replicaId()))
                                .map(h -> new ContendedView(shown(resource), h.replicaId(), h.ttlMillis())))
                        .onFailure().recoverWithItem(Optional.of(new ContendedView(shown(resource), null, -1))))
                .toList();
        if (lookups.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.join().all(lookups).andFailFast().map(views -> views.stream().flatMap(Optional::stream).toList());
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

    private LeaseView lease(Lease lease) {
        return new LeaseView(shown(lease.resource()), lease.fencingToken(), lease.isLost());
    }

    /** A lease's resource is {@code <family>:<key>}; the key is shown as that family's label policy exports it. */
    private String shown(String resource) {
        int colon = resource.indexOf(':');
        return locks.families().stream()
                .filter(family -> colon > 0 && family.name().equals(resource.substring(0, colon)))
                .findFirst()
                .map(family -> family.name() + ":" + family.labelOf(resource.substring(colon + 1)))
                .orElse(resource);
    }
}
