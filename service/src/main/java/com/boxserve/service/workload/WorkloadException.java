package com.boxserve.service.workload;

import java.time.Duration;
import java.util.Optional;

/**
 * Every way a {@link WorkerPool} call can fail, and nothing else: callers get an outcome or one
 * of these. Each names its outcome, so every caller counts and answers a failure the same way.
 */
public abstract sealed class WorkloadException extends RuntimeException
        permits QueueFullException, DeadlineExceededException, PoolClosedException, RunFailedException {

    /** What became of a call that failed; {@link #label()} is the metric tag. */
    public enum Failure {
        QUEUE_FULL("overloaded"),
        DEADLINE_EXCEEDED("timeout"),
        POOL_CLOSED("unavailable"),
        RUN_FAILED("failed");

        private final String label;

        Failure(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String pool;

    WorkloadException(String pool, String message, Throwable cause) {
        super(message, cause);
        this.pool = pool;
    }

    public abstract Failure failure();

    /** The pool (a model's name, or "training") that failed the call. */
    public String pool() {
        return pool;
    }

    /** When a caller may usefully try again, where the pool can tell. */
    public Optional<Duration> retryAfter() {
        return Optional.empty();
    }
}
