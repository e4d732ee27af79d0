package io.zantara.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.zantara.lock.LockBackendUnavailableException;
import io.zantara.lock.LockTimeoutException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The one place where exceptions become {@code application/problem+json} answers. Bodies never
 * carry stack traces; unexpected failures carry a correlation id that is also in the log line.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final Duration LOCK_RETRY_AFTER = Duration.ofSeconds(1);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response.ResponseBuilder answer = answer(e.problem(), uri);
        e.retryAfter().ifPresent(after -> answer.header(HttpHeaders.RETRY_AFTER,
                Math.max(1, (after.toMillis() + 999) / 1000)));
        return answer.build();
    }

    /**
     * A lock not granted in time: 503 with Retry-After, naming the lock family and the operation but
     * never the key (another user's id may be the one holding it).
     */
    @ServerExceptionMapper
    public Response lockTimeout(LockTimeoutException e, UriInfo uri) {
        String family = e.family() != null ? e.family() : "unnamed";
        Problem problem = Problem.of("lock-timeout", "Lock timeout", 503,
                        "The " + family + " lock was busy for " + e.timeout().toMillis()
                                + " ms; nothing was changed. Retry later.")
                .with("family", family)
                .with("operation", e.operation() != null ? e.operation() : "unnamed");
        return problem(new ProblemException(problem, LOCK_RETRY_AFTER, e), uri);
    }

    /** Redis (the distributed lock tier) unreachable: 503, never a silent local-only fallback. */
    @ServerExceptionMapper
    public Response lockBackendUnavailable(LockBackendUnavailableException e, UriInfo uri) {
        LOG.warnf("lock backend unavailable: %s", e.getMessage());
        Problem problem = Problem.of("lock-backend-unavailable", "Lock backend unavailable", 503,
                        "The lock service (Redis) cannot be reached; nothing was changed. Retry later.")
                .with("family", e.family() != null ? e.family() : "unnamed");
        return problem(new ProblemException(problem, LOCK_RETRY_AFTER, e), uri);
    }

    /** No token, or one that fails verification (signature, issuer, audience, expiry). */
    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthenticated(RuntimeException e, UriInfo uri) {
        Problem problem = Problem.of("unauthorized", "Unauthorized", 401,
                "A valid bearer token is required");
        return answer(problem, uri).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return answer(Problem.of("forbidden", "Forbidden", 403, "The token does not grant this operation"), uri).build();
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new Problem.FieldError(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.FieldError::field))
                .toList();
        Problem problem = Problem.of("validation", "Invalid request", 400,
                errors.size() + " invalid field(s)").withErrors(errors);
        return answer(problem, uri).build();
    }

    /** A body of undeclared length read past its limit: the rest of it is not read, so the connection closes. */
    @ServerExceptionMapper
    public Response bodyTooLarge(StreamedBodyLimit.BodyTooLargeException e, UriInfo uri) {
        return answer(BodyLimits.tooLarge(e.limit()), uri).header("Connection", "close").build();
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return answer(jsonProblem(e), uri).build();
    }

    /** Registered for this exact type so that it wins over the Jackson extension's own mapper. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json, uri);
        }
        Response original = e.getResponse();
        int status = original.getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        Response.StatusType reason = Response.Status.fromStatusCode(status);
        String title = reason != null ? reason.getReasonPhrase() : "HTTP " + status;
        Problem problem = Problem.of(slug(title), title, status, e.getMessage());
        Response.ResponseBuilder answer = answer(problem, uri);
        // 405 must keep its Allow header, 401 its WWW-Authenticate.
        original.getHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name) && !HttpHeaders.CONTENT_LENGTH.equalsIgnoreCase(name)) {
                values.forEach(v -> answer.header(name, v));
            }
        });
        return answer.build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        String correlationId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected failure on %s (correlation_id=%s)", uri.getPath(), correlationId);
        Problem problem = Problem.of("internal", "Internal Server Error", 500,
                "The request failed unexpectedly; quote the correlation id when reporting it.")
                .withCorrelationId(correlationId);
        return answer(problem, uri).build();
    }

    static Problem jsonProblem(JsonProcessingException e) {
        JsonParseException parse = e instanceof JsonParseException p ? p
                : e.getCause() instanceof JsonParseException p ? p : null;
        if (parse != null) {
            return Problem.of("malformed-json", "Malformed JSON", 400,
                    "The body is not valid JSON (line " + parse.getLocation().getLineNr()
                            + ", column " + parse.getLocation().getColumnNr() + ")");
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = pathOf(mapping);
            String message = e instanceof UnrecognizedPropertyException ? "unknown field" : expected(mapping);
            return Problem.of("validation", "Invalid request", 400, "1 invalid field(s)")
                    .withErrors(List.of(new Problem.FieldError(field, message)));
        }
        return Problem.of("malformed-json", "Malformed JSON", 400, "The body is empty or not of the expected shape");
    }

    /** What a value of the wrong JSON type should have been, in the client's terms. */
    private static String expected(JsonMappingException e) {
        Class<?> target = e instanceof MismatchedInputException mismatch ? mismatch.getTargetType() : null;
        if (target == null) {
            return "wrong type or shape";
        }
        if (target.isEnum()) {
            return "must be one of: " + String.join(", ", jsonNames(target));
        }
        if (target == String.class || target == UUID.class) {
            return "must be a string";
        }
        if (Number.class.isAssignableFrom(target) || (target.isPrimitive() && target != boolean.class)) {
            return "must be a number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "must be true or false";
        }
        if (target.isArray() || Collection.class.isAssignableFrom(target)) {
            return "must be an array";
        }
        return "must be an object";
    }

    /**
     * An enum's constants as JSON spells them ({@code @JsonProperty}, else the constant's name). Reads
     * the same annotations Jackson reads to bind the enum, so a native build has them registered.
     */
    private static List<String> jsonNames(Class<?> enumType) {
        List<String> names = new ArrayList<>();
        for (Object constant : enumType.getEnumConstants()) {
            String name = ((Enum<?>) constant).name();
            try {
                JsonProperty property = enumType.getField(name).getAnnotation(JsonProperty.class);
                names.add(property != null && !property.value().isEmpty() ? property.value() : name);
            } catch (NoSuchFieldException e) {
                names.add(name);
            }
        }
        return names;
    }

    private static Response.ResponseBuilder answer(Problem problem, UriInfo uri) {
        Problem located = uri == null ? problem : problem.withInstance(uri.getPath());
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(located);
    }

    private static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** {@code save.request.facts[2].content} becomes {@code facts[2].content}; a query parameter keeps its name. */
    private static String fieldOf(ConstraintViolation<?> violation) {
        StringBuilder field = new StringBuilder();
        String parameter = null;
        for (Path.Node node : violation.getPropertyPath()) {
            ElementKind kind = node.getKind();
            if (kind == ElementKind.PARAMETER) {
                parameter = node.getName();
                continue;
            }
            if (kind != ElementKind.PROPERTY && kind != ElementKind.CONTAINER_ELEMENT && kind != ElementKind.BEAN) {
                continue;
            }
            if (node.isInIterable() && !field.isEmpty()) {
                field.append('[').append(node.getIndex() != null ? node.getIndex() : node.getKey()).append(']');
            }
            String name = node.getName();
            if (name != null && !name.startsWith("<")) {
                field.append(field.isEmpty() ? "" : ".").append(name);
            }
        }
        if (!field.isEmpty()) {
            return field.toString();
        }
        return parameter != null ? parameter : violation.getPropertyPath().toString();
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
