package com.boxserve.service.detection;

/** The engine failed on an image it was given: a server-side error. */
public class InferenceFailedException extends RuntimeException {

    public InferenceFailedException(String model, Throwable cause) {
        super(model + ": inference failed: " + cause, cause);
    }
}
