package io.zantara.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Set;

/**
 * Problem answers for what never reaches a REST resource: a body over the size limit (413) and a
 * path that nothing serves (404). Without this, Vert.x would answer those in plain text or HTML.
 *
 * <p>Two body limits: {@code zantara.http.max-body-size} for every route, and the larger
 * {@code quarkus.http.limits.max-body-size} (which Vert.x enforces on every body, chunked or not)
 * for the routes in {@code zantara.http.large-body-paths}, whose valid requests need it (a
 * conversation of 500 messages of 32 KiB).
 */
@ApplicationScoped
public class RouterProblems {

    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final long maxLargeBodyBytes;
    private final Set<String> largeBodyPaths;

    public RouterProblems(ObjectMapper json,
                          @ConfigProperty(name = "zantara.http.max-body-size", defaultValue = "1M") MemorySize maxBodySize,
                          @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxLargeBodySize,
                          @ConfigProperty(name = "zantara.http.large-body-paths", defaultValue = "/api/conversations/save")
                          Set<String> largeBodyPaths) {
        this.json = json;
        this.maxBodyBytes = maxBodySize.asLongValue();
        this.maxLargeBodyBytes = maxLargeBodySize.asLongValue();
        this.largeBodyPaths = Set.copyOf(largeBodyPaths);
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::rejectOversizedBody);
        router.route().last().handler(ctx -> send(ctx, Problem.of("not-found", "Not Found", 404,
                "Nothing is served at " + ctx.request().path())));
    }

    private void rejectOversizedBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long limit = largeBodyPaths.contains(ctx.request().path()) ? maxLargeBodyBytes : maxBodyBytes;
        if (length != null && isOver(length, limit)) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            send(ctx, Problem.of("payload-too-large", "Payload Too Large", 413,
                    "The body is larger than the limit of " + limit + " bytes"));
            return;
        }
        ctx.next();
    }

    private static boolean isOver(String contentLength, long limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void send(RoutingContext ctx, Problem problem) {
        try {
            String body = json.writeValueAsString(problem.withInstance(ctx.request().path()));
            ctx.response()
                    .setStatusCode(problem.status())
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .end(body);
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
