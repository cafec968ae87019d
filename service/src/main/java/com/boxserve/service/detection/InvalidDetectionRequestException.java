package com.boxserve.service.detection;

/** A detect request whose parameters or parts make no sense (an empty image, an unknown class, too many parts). */
public class InvalidDetectionRequestException extends RuntimeException {

    public InvalidDetectionRequestException(String message) {
        super(message);
    }
}
