package com.boxserve.service.workload;

import java.time.Duration;
import java.util.Optional;

/**
 * The pool is closing (an unload, a reload's hand-over, shutdown) and takes no more work. A retry
 * may go at once: a reload's replacement is already serving, an unloaded model answers 404, and
 * behind a load balancer another replica takes it.
 */
public final class PoolClosedException extends WorkloadException {

    PoolClosedException(String pool, String why) {
        super(pool, pool + " takes no more requests: " + why, null);
    }

    @Override
    public Failure failure() {
        return Failure.POOL_CLOSED;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.of(Duration.ofSeconds(1));
    }
}
