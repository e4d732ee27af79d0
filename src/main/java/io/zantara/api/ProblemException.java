package io.zantara.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure that already knows its answer: the problem to send and, for 503s, when to retry.
 * Domain code throws subclasses of it; {@link ProblemMappers} turns it into the HTTP answer.
 */
public class ProblemException extends RuntimeException {

    private final transient Problem problem;
    private final transient Duration retryAfter;

    public ProblemException(Problem problem, Duration retryAfter, Throwable cause) {
        super(problem.detail(), cause, false, false);
        this.problem = problem;
        this.retryAfter = retryAfter;
    }

    public ProblemException(Problem problem) {
        this(problem, null, null);
    }

    public Problem problem() {
        return problem;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
