package com.boxserve.service.models;

import java.nio.file.Path;
import java.util.Collection;

/** A request names a model this service does not serve. */
public class UnknownModelException extends RuntimeException {

    public UnknownModelException(String name, Collection<String> served) {
        this("no model named '" + name + "' is served here; served: " + String.join(", ", served));
    }

    private UnknownModelException(String message) {
        super(message);
    }

    /** A model to load that has no exported directory. */
    static UnknownModelException notExported(String name, Path directory) {
        return new UnknownModelException("no exported model named '" + name + "' in " + directory.toAbsolutePath());
    }
}
