package io.zantara.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 9457 problem detail, the body of every error answer ({@code application/problem+json}).
 *
 * @param type          a URN naming the kind of problem, {@code urn:zantara:problem:<slug>}
 * @param errors        the offending fields of a bad request, when there are any
 * @param correlationId for unexpected failures: the id under which the failure was logged
 * @param extensions    further members of the problem object (RFC 9457, section 3.2)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String instance,
        List<FieldError> errors,
        @JsonProperty("correlation_id") String correlationId,
        @JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:zantara:problem:";

    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, null, null, null, Map.of());
    }

    @JsonAnyGetter
    Map<String, Object> members() {
        return extensions;
    }

    public Problem with(String member, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(extensions);
        more.put(member, value);
        return new Problem(type, title, status, detail, instance, errors, correlationId, Map.copyOf(more));
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, errors, correlationId, extensions);
    }

    public Problem withErrors(List<FieldError> fieldErrors) {
        return new Problem(type, title, status, detail, instance, fieldErrors, correlationId, extensions);
    }

    public Problem withCorrelationId(String id) {
        return new Problem(type, title, status, detail, instance, errors, id, extensions);
    }

    /** One invalid input: where it is ({@code facts[2].content}) and what is wrong with it. */
    public record FieldError(String field, String message) {
    }
}
