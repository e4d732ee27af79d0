package io.zantara.api;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.regex.Pattern;

/**
 * How large a request body may be, per path: {@code zantara.http.max-body-size} everywhere, the
 * larger {@code zantara.http.max-large-body-size} on {@code zantara.http.large-body-paths}.
 * Enforced twice: on the declared {@code Content-Length} before anything is read
 * ({@link RouterProblems}), and on the bytes as they arrive when no length is declared (a chunked
 * body, {@link StreamedBodyLimit}).
 */
@ApplicationScoped
public class BodyLimits {

    private final long maxBodyBytes;
    private final long maxLargeBodyBytes;
    private final List<Pattern> largeBodyPaths;

    public BodyLimits(HttpConfig config) {
        this.maxBodyBytes = config.maxBodySize().asLongValue();
        this.maxLargeBodyBytes = config.maxLargeBodySize().asLongValue();
        this.largeBodyPaths = config.largeBodyPaths().stream().map(BodyLimits::pathPattern).toList();
    }

    /** The limit in bytes of a body sent to {@code path}. */
    public long limitFor(String path) {
        for (Pattern large : largeBodyPaths) {
            if (large.matcher(path).matches()) {
                return maxLargeBodyBytes;
            }
        }
        return maxBodyBytes;
    }

    /** {@code /api/collections/*}{@code /documents}: literal segments, {@code *} for any one segment. */
    static Pattern pathPattern(String template) {
        String[] literals = template.split("\\*", -1);
        StringBuilder regex = new StringBuilder(Pattern.quote(literals[0]));
        for (int i = 1; i < literals.length; i++) {
            regex.append("[^/]+").append(Pattern.quote(literals[i]));
        }
        return Pattern.compile(regex.toString());
    }

    static Problem tooLarge(long limit) {
        return Problem.of("payload-too-large", "Payload Too Large", 413,
                "The body is larger than the limit of " + limit + " bytes for this route");
    }
}
