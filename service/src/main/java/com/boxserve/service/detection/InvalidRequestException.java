package com.boxserve.service.detection;

/** A request whose parameters or parts make no sense. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
