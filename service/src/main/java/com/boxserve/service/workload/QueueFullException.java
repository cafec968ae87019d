package com.boxserve.service.workload;

import java.time.Duration;
import java.util.Optional;

/** Every place in the pool is taken: the caller should come back after {@link #retryAfter()}. */
public final class QueueFullException extends WorkloadException {

    private final Duration retryAfter;

    QueueFullException(String pool, int places, Duration retryAfter) {
        super(pool, pool + " is busy: all " + places + " places (queue and workers) are taken", null);
        this.retryAfter = retryAfter;
    }

    @Override
    public Failure failure() {
        return Failure.QUEUE_FULL;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.of(retryAfter);
    }
}
