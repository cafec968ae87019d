package com.boxserve.service.web;

/** A request whose parameters or parts make no sense. */
public class InvalidRequestException extends RuntimeException {

    public InvalidRequestException(String message) {
        super(message);
    }
}
