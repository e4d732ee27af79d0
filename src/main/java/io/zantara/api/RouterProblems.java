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

/**
 * Problem answers for what never reaches a REST resource: a body over the size limit (413) and a
 * path that nothing serves (404). Without this, Vert.x would answer those in plain text or HTML.
 */
@ApplicationScoped
public class RouterProblems {

    private final ObjectMapper json;
    private final long maxBodyBytes;

    public RouterProblems(ObjectMapper json,
                          @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        this.json = json;
        this.maxBodyBytes = maxBodySize.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::rejectOversizedBody);
        router.route().last().handler(ctx -> send(ctx, Problem.of("not-found", "Not Found", 404,
                "Nothing is served at " + ctx.request().path())));
    }

    private void rejectOversizedBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && isOver(length)) {
            ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
            send(ctx, Problem.of("payload-too-large", "Payload Too Large", 413,
                    "The body is larger than the limit of " + maxBodyBytes + " bytes"));
            return;
        }
        ctx.next();
    }

    private boolean isOver(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
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
