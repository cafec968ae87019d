package com.boxserve.service.detection;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * One admitted detect request, from the door to its answer: the model, the place it holds in the
 * model's pool (one place however many images it carries), its deadline and how it ended. For
 * HTTP the door ({@link DetectionAdmission}) opens it before the body is read and finishes it once
 * the answer is written, the controller running it in between; gRPC's service does all three.
 */
public final class DetectionCall {

    /** The request attribute under which the door hands the call to the controller. */
    public static final String ATTRIBUTE = "com.boxserve.service.detection.DetectionCall";

    private final ServedModel model;
    private final String api;
    private final WorkerPool<DetectionInput, DetectionResult>.Admission admission;
    private final DetectionMetrics metrics;
    private final long startedNanos;
    private final BooleanSupplier clientGone;
    private volatile Instant deadline;
    private volatile String outcome;

    DetectionCall(ServedModel model, String api, WorkerPool<DetectionInput, DetectionResult>.Admission admission,
            DetectionMetrics metrics, long startedNanos, Instant deadline, BooleanSupplier clientGone) {
        this.model = model;
        this.api = api;
        this.admission = admission;
        this.metrics = metrics;
        this.startedNanos = startedNanos;
        this.deadline = deadline;
        this.clientGone = clientGone;
    }

    /**
     * A deadline the request gave in its body (the Open Inference Protocol's {@code timeout}
     * parameter), read after the door: it can only bring the call's deadline closer.
     */
    public void within(Instant bodyDeadline) {
        if (bodyDeadline.isBefore(deadline)) {
            deadline = bodyDeadline;
        }
    }

    /** The model the request was admitted to. */
    public ServedModel model() {
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

    BooleanSupplier clientGone() {
        return clientGone;
    }

    void ended(String outcome) {
        this.outcome = outcome;
    }

    /**
     * Gives the place back and counts the request once: by how detection ended, or, for a request
     * refused before detection began (a body the framework could not parse), by its HTTP {@code status}.
     */
    public void finish(int status) {
        finish(FailureKind.outcomeOfStatus(status));
    }

    /** As {@link #finish(int)}, for a caller that has the failure itself (gRPC's), or null. */
    public void finish(RuntimeException failure) {
        finish(failure == null ? "success" : FailureKind.outcomeOf(failure));
    }

    private void finish(String before) {
        admission.close();
        String ended = outcome;
        metrics.request(model, api, ended != null ? ended : before, System.nanoTime() - startedNanos);
    }
}
