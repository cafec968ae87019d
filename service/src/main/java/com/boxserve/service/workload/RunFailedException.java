package com.boxserve.service.workload;

/** The runner threw: the cause is what it threw, for one job or for the whole batch it was in. */
public final class RunFailedException extends WorkloadException {

    RunFailedException(String pool, Throwable cause) {
        super(pool, pool + " failed to run the request: " + cause, cause);
    }

    @Override
    public Failure failure() {
        return Failure.RUN_FAILED;
    }
}
