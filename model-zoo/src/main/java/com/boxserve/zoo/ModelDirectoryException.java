package com.boxserve.zoo;

import java.nio.file.Path;

/** A model directory that cannot be used: a missing, truncated or inconsistent file, named in the message. */
public class ModelDirectoryException extends RuntimeException {

    private final transient Path file;

    public ModelDirectoryException(Path file, String problem) {
        this(file, problem, null);
    }

    public ModelDirectoryException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
