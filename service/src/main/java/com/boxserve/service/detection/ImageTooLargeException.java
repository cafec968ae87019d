package com.boxserve.service.detection;

/** An image whose bytes or pixels exceed the configured limits. */
public class ImageTooLargeException extends RuntimeException {

    public ImageTooLargeException(String message) {
        super(message);
    }
}
