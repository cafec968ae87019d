package com.boxserve.service.workload;

/** The model is shutting down or being unloaded and takes no more work. */
public class PoolClosedException extends RuntimeException {

    public PoolClosedException(String model) {
        super(model + " is shutting down and takes no more requests");
    }
}
