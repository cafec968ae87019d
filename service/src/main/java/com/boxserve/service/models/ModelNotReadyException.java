package com.boxserve.service.models;

/** A request for a model that is still loading or warming up, or failed to load. */
public class ModelNotReadyException extends RuntimeException {

    private final transient ServedModel model;

    public ModelNotReadyException(ServedModel model) {
        super(model.name() + " is " + model.status()
                + model.failure().map(reason -> ": " + reason).orElse(""));
        this.model = model;
    }

    /** A FAILED model will not become ready by waiting; LOADING and WARMING ones will. */
    public boolean willRecover() {
        return model.status() != ModelStatus.FAILED;
    }
}
