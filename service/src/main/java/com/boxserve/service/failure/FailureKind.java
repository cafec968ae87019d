package com.boxserve.service.failure;

/**
 * Every way the service refuses or fails a request, whatever the protocol: each kind names its
 * HTTP status, its problem type and title, and the outcome its metrics count it under. Another
 * protocol maps the kinds in one switch (gRPC's statuses); a failure that is none of these is a
 * bug, answered 500 and counted as {@code error}.
 */
public enum FailureKind {
    INVALID_REQUEST(400, "invalid-request", "Invalid request", "rejected"),
    UNAUTHORIZED(401, "unauthorized", "Unauthorized", "rejected"),
    FORBIDDEN(403, "forbidden", "Forbidden", "rejected"),
    UNKNOWN_MODEL(404, "unknown-model", "Unknown model", "rejected"),
    /** No evaluation job with that id, or none of its models by that name. */
    UNKNOWN_EVALUATION(404, "unknown-evaluation", "Unknown evaluation", "rejected"),
    /** What was asked of an evaluation job does not exist yet (its detections before the model is done). */
    EVALUATION_NOT_FINISHED(409, "evaluation-not-finished", "Evaluation not finished", "rejected"),
    IMAGE_TOO_LARGE(413, "image-too-large", "Image too large", "rejected"),
    /** An evaluation upload over {@code boxserve.evaluation.max-upload-bytes}, or a dataset over its bounds. */
    DATASET_TOO_LARGE(413, "dataset-too-large", "Dataset too large", "rejected"),
    UNSUPPORTED_IMAGE(415, "unsupported-image", "Unsupported image", "rejected"),
    /** The image decodes but the model's transform would scale a side to nothing. */
    IMAGE_SHAPE_UNSUPPORTED(422, "image-shape-unsupported", "Image shape unsupported", "rejected"),
    /** A run whose loss became NaN or infinite: the request's data and rate, not a failure of ours. */
    TRAINING_DIVERGED(422, "training-diverged", "Training diverged", "diverged"),
    /** A model loading, warming up (a retry will do) or failed to load (it will not). */
    MODEL_NOT_READY(503, "model-not-ready", "Model not ready", "unavailable"),
    /** Every place in the pool is taken. */
    OVERLOADED(503, "overloaded", "Overloaded", "overloaded"),
    /** The request's deadline cannot be met: the predicted wait and run pass it; refused before any work. */
    DEADLINE_UNMEETABLE(503, "deadline-unmeetable", "Deadline cannot be met", "overloaded"),
    /** The request waited its model's max queue delay without a worker (a standing queue sheds its oldest). */
    QUEUE_DELAY_EXCEEDED(503, "queue-delay-exceeded", "Queue delay exceeded", "shed"),
    /** The client closed its connection while its work waited; the work was withdrawn and never ran. */
    CLIENT_CLOSED(499, "client-closed", "Client closed request", "client_closed"),
    /** The request's deadline passed before its work could run or finish; the work was cancelled. */
    DEADLINE_EXCEEDED(504, "deadline-exceeded", "Deadline exceeded", "timeout"),
    /** The pool is closing (an unload, a reload's hand-over, shutdown) and takes no more work. */
    UNAVAILABLE(503, "unavailable", "Unavailable", "unavailable"),
    /** The work itself threw; the cause is logged, the client is told only that it failed. */
    RUN_FAILED(500, "run-failed", "Run failed", "failed");

    /** The outcome of a request that failed with anything else: a bug. */
    public static final String ERROR = "error";

    private final int status;
    private final String type;
    private final String title;
    private final String outcome;

    FailureKind(int status, String type, String title, String outcome) {
        this.status = status;
        this.type = type;
        this.title = title;
        this.outcome = outcome;
    }

    public int status() {
        return status;
    }

    /** The problem type's last segment: {@code urn:boxserve:problem:<type>}. */
    public String type() {
        return type;
    }

    public String title() {
        return title;
    }

    /** The metric tag of a request that ended this way: low-cardinality, shared by several kinds. */
    public String outcome() {
        return outcome;
    }

    /**
     * How a request that failed with {@code failure} is counted. The one place that decides it,
     * for detection and training alike.
     */
    public static String outcomeOf(Throwable failure) {
        return failure instanceof ServiceFailure known ? known.kind().outcome() : ERROR;
    }

    /**
     * How a request is counted that the web framework refused before any of our code saw its
     * body (a multipart body that does not parse, a media type no endpoint takes): by its status.
     */
    public static String outcomeOfStatus(int status) {
        return status >= 500 ? ERROR : "rejected";
    }
}
