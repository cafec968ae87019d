package com.boxserve.service.detection;

/** Bytes that are no image in a supported format, or that do not decode. */
public class UnsupportedImageException extends RuntimeException {

    public UnsupportedImageException(String message) {
        super(message);
    }
}
