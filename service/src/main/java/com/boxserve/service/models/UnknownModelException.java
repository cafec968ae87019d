package com.boxserve.service.models;

import java.util.Collection;

/** A request names a model this service does not serve. */
public class UnknownModelException extends RuntimeException {

    public UnknownModelException(String name, Collection<String> served) {
        super("no model named '" + name + "' is served here; served: " + String.join(", ", served));
    }
}
