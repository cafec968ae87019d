package com.boxserve.service.workload;

import java.time.Duration;
import java.util.Optional;

/** A call's deadline passed before its job could run or finish; the job is cancelled. */
public final class DeadlineExceededException extends WorkloadException {

    private final Duration retryAfter;

    DeadlineExceededException(String pool, Duration waited, Duration retryAfter) {
        super(pool, pool + " did not answer within the request timeout (waited " + waited.toMillis() + " ms)", null);
        this.retryAfter = retryAfter;
    }

    @Override
    public Failure failure() {
        return Failure.DEADLINE_EXCEEDED;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.of(retryAfter);
    }
}
