package com.boxserve.service.failure;

import com.boxserve.zoo.ImageShapeException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The one exception the service's features throw for a request they refuse or fail: a
 * {@link FailureKind}, the detail the client reads, when a retry may help, and any fields the
 * answer carries beside the detail. Failures of the model zoo, a library with no notion of
 * requests, become one here and nowhere else.
 */
public final class ServiceFailure extends RuntimeException {

    private final FailureKind kind;
    private final String detail;
    private final transient Duration retryAfter;
    private final transient Map<String, Object> properties;

    public ServiceFailure(FailureKind kind, String detail) {
        this(kind, detail, detail, null, null, Map.of());
    }

    private ServiceFailure(FailureKind kind, String message, String detail, Throwable cause, Duration retryAfter,
            Map<String, Object> properties) {
        super(message, cause);
        this.kind = kind;
        this.detail = detail;
        this.retryAfter = retryAfter;
        this.properties = Map.copyOf(properties);
    }

    public static ServiceFailure invalid(String detail) {
        return new ServiceFailure(FailureKind.INVALID_REQUEST, detail);
    }

    /** A refusal the client may usefully retry after {@code retryAfter}; {@code null} where waiting will not help. */
    public static ServiceFailure retryable(FailureKind kind, String detail, Duration retryAfter) {
        return new ServiceFailure(kind, detail, detail, null, retryAfter, Map.of());
    }

    /** The work threw: the log gets the cause, the client only that {@code pool} failed to run it. */
    public static ServiceFailure runFailed(String pool, Throwable cause) {
        return new ServiceFailure(FailureKind.RUN_FAILED, pool + " failed to run the request: " + cause,
                pool + " failed to run the request; the failure is logged", cause, null, Map.of());
    }

    /** A body over the one byte limit, raw or multipart: the detail says how it was measured. */
    public static ServiceFailure bodyTooLarge(String measured, long limit) {
        return new ServiceFailure(FailureKind.IMAGE_TOO_LARGE, "the body " + measured
                + "; the limit (boxserve.images.max-bytes) is " + limit);
    }

    /** The zoo's refusal of an image too thin for the model; the answer names the short side it needs. */
    public static ServiceFailure of(ImageShapeException e) {
        return new ServiceFailure(FailureKind.IMAGE_SHAPE_UNSUPPORTED, e.getMessage(), e.getMessage(), e, null,
                Map.of("smallestShortSide", e.smallestShortSide()));
    }

    public FailureKind kind() {
        return kind;
    }

    /** What the client is told: the message, but for a failed run, whose cause stays in the log. */
    public String detail() {
        return detail;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Fields of the answer beside the detail, e.g. {@code smallestShortSide}. */
    public Map<String, Object> properties() {
        return properties;
    }
}
