package io.zantara.api;

import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The body limit of a request that declares no {@code Content-Length} (chunked): counted while the
 * body is read, so a client cannot bypass the limit by leaving the length out. The read fails with
 * {@link BodyTooLargeException} at the first byte past the limit; nothing was processed yet.
 *
 * <p>The filter only finds the limit: it runs before the body is set up for reading, and touching
 * the entity stream there would read it on the I/O thread. The interceptor wraps the stream when the
 * body is deserialized. GET and HEAD bodies are never read, so they are not looked at.
 */
@Provider
public class StreamedBodyLimit implements ReaderInterceptor {

    private static final String LIMIT_KEY = "zantara.streamed-body-limit";

    private final BodyLimits limits;

    public StreamedBodyLimit(BodyLimits limits) {
        this.limits = limits;
    }

    @ServerRequestFilter
    public void findLimit(ContainerRequestContext request, RoutingContext routing) {
        String method = request.getMethod();
        if (request.getHeaderString(HttpHeaders.CONTENT_LENGTH) == null
                && !HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
            request.setProperty(LIMIT_KEY, limits.limitFor(routing.request().path()));
        }
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        if (context.getProperty(LIMIT_KEY) instanceof Long limit) {
            context.setInputStream(new Limited(context.getInputStream(), limit));
        }
        return context.proceed();
    }

    /** A body read past its route's limit; answered 413 by {@link ProblemMappers}. */
    public static final class BodyTooLargeException extends IOException {
        private final long limit;

        BodyTooLargeException(long limit) {
            super("request body over " + limit + " bytes");
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    private static final class Limited extends FilterInputStream {
        private final long limit;
        private long read;

        Limited(InputStream body, long limit) {
            super(body);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count(skipped);
            return skipped;
        }

        private void count(long n) throws BodyTooLargeException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }
    }
}
