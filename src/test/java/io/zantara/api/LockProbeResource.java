package io.zantara.api;

import io.smallrye.mutiny.Uni;
import io.zantara.lock.LockFamily;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import java.time.Duration;

/** A test-only resource that takes a lock family's EXCLUSIVE lock through HTTP. */
@Path("/test-probe/locks")
public class LockProbeResource {

    private final LockManager locks;

    public LockProbeResource(LockManager locks) {
        this.locks = locks;
    }

    @POST
    @Path("/{family}/{key}")
    public Uni<String> write(@PathParam("family") String family, @PathParam("key") String key,
                             @QueryParam("timeout_ms") long timeoutMs) {
        LockFamily lock = "memory".equals(family) ? locks.memory() : locks.collection();
        return lock.withLock(key, LockMode.EXCLUSIVE, "probe_write", Duration.ofMillis(timeoutMs),
                () -> Uni.createFrom().item("written"));
    }
}
