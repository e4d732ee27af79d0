package io.zantara.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Problem answers for what never reaches a REST resource: a body over the size limit (413) and a
 * path that nothing serves (404). Without this, Vert.x would answer those in plain text or HTML.
 *
 * <p>A declared {@code Content-Length} over the route's limit ({@link BodyLimits}) is refused here,
 * before a byte of the body is read. A body of undeclared length is counted as it is read, by
 * {@link StreamedBodyLimit}.
 */
@ApplicationScoped
public class RouterProblems {

    private final ObjectMapper json;
    private final BodyLimits limits;

    public RouterProblems(ObjectMapper json, BodyLimits limits) {
        this.json = json;
        this.limits = limits;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::rejectOversizedBody);
        router.route().last().handler(ctx -> send(ctx, Problem.of("not-found", "Not Found", 404,
                "Nothing is served at " + ctx.request().path())));
    }

    private void rejectOversizedBody(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long limit = limits.limitFor(ctx.request().path());
            if (isOver(length, limit)) {
                ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
                send(ctx, BodyLimits.tooLarge(limit));
                return;
            }
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
