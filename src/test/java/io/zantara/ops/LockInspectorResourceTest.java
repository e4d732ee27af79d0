package io.zantara.ops;

import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.zantara.api.Problem;
import io.zantara.lock.LockManager;
import io.zantara.lock.LockMode;
import io.zantara.testing.Tokens;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

@QuarkusTest
class LockInspectorResourceTest {

    @Inject
    LockManager locks;

    @Test
    void nonAdmin_is403Problem_andNoToken401() {
        given().header("Authorization", Tokens.bearer(Tokens.user("plain@example.com")))
                .when().get("/api/debug/locks")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("type", is("urn:zantara:problem:forbidden"));
        given().when().get("/api/debug/locks").then().statusCode(401);
    }

    @Test
    void admin_seesAHeldLockWithItsOperationAndLease() {
        String user = "held-" + UUID.randomUUID();
        CompletableFuture<String> release = new CompletableFuture<>();
        CompletableFuture<Boolean> holding = new CompletableFuture<>();
        locks.memory().withLock(user, LockMode.EXCLUSIVE, "stuck_write", () -> {
            holding.complete(true);
            return Uni.createFrom().completionStage(release);
        }).subscribe().with(ignored -> { });
        holding.join();
        try {
            given().header("Authorization", Tokens.bearer(Tokens.admin("ops@example.com")))
                    .when().get("/api/debug/locks")
                    .then().statusCode(200)
                    .body("backend", is("redis"))
                    .body("families.family", hasItem("memory"))
                    .body("families.find { it.family == 'memory' }.keys.key", hasItem(user))
                    .body("families.find { it.family == 'memory' }.keys.find { it.key == '" + user + "' }.holders[0].operation", is("stuck_write"))
                    .body("families.find { it.family == 'memory' }.oldest_hold_ms", greaterThanOrEqualTo(0))
                    .body("leases.resource", hasItem("memory:" + user));
        } finally {
            release.complete("done");
        }
    }

    @Test
    void openApi_describesTheApiAndItsBearerScheme() {
        given().accept("application/json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths.keySet()", hasItem("/api/memory/facts"))
                .body("paths.keySet()", hasItem("/api/collections/{name}/search"))
                .body("paths.keySet()", hasItem("/api/collective-memory/contribute"))
                .body("paths.keySet()", hasItem("/api/debug/locks"))
                .body("components.securitySchemes.jwt.scheme", is("bearer"));
    }
}
