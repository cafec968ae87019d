package com.boxserve.service.detection;

import com.boxserve.service.models.ServedModel;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;
import java.time.Instant;
import java.util.Optional;

/**
 * One admitted detect request, from the door to its answer: the model, the place it holds in the
 * model's pool (one place however many images it carries), its deadline and how it ended.
 */
public final class DetectionCall {

    /** The request attribute under which the door hands the call to the controller. */
    public static final String ATTRIBUTE = "com.boxserve.service.detection.DetectionCall";

    private final ServedModel model;
    private final WorkerPool<DetectionInput, DetectionResult>.Admission admission;
    private final long startedNanos;
    private final Instant deadline;
    private volatile String outcome;

    DetectionCall(ServedModel model, WorkerPool<DetectionInput, DetectionResult>.Admission admission, long startedNanos,
            Instant deadline) {
        this.model = model;
        this.admission = admission;
        this.startedNanos = startedNanos;
        this.deadline = deadline;
    }

    ServedModel model() {
        return model;
    }

    WorkerPool<DetectionInput, DetectionResult>.Admission admission() {
        return admission;
    }

    long startedNanos() {
        return startedNanos;
    }

    Instant deadline() {
        return deadline;
    }

    void ended(String outcome) {
        this.outcome = outcome;
    }

    /** How detection ended; empty when the request failed before it got there (a bad body, say). */
    Optional<String> outcome() {
        return Optional.ofNullable(outcome);
    }
}
