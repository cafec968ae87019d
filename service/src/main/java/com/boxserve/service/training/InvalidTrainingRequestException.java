package com.boxserve.service.training;

/** A training or tensor request whose input makes no sense: an expression that does not parse, a bad kernel. */
public class InvalidTrainingRequestException extends RuntimeException {

    public InvalidTrainingRequestException(String message) {
        super(message);
    }
}
