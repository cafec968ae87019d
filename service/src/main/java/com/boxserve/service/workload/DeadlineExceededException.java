package com.boxserve.service.workload;

import java.time.Duration;

/** A job's deadline passed before it could run or finish. */
public class DeadlineExceededException extends RuntimeException {

    public DeadlineExceededException(String model, Duration waited) {
        super(model + " did not answer within the request timeout (waited " + waited.toMillis() + " ms)");
    }
}
