package com.boxserve.service.models;

/** Settings a {@code PUT} asked for that {@link ModelSettingsRules} refuses, each field named; nothing was started. */
public class InvalidModelSettingsException extends RuntimeException {

    public InvalidModelSettingsException(String message) {
        super(message);
    }
}
