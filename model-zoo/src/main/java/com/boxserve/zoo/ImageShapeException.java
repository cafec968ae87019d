package com.boxserve.zoo;

/** An image too thin for a detector: its transform would scale a side to under one pixel. See {@link InputSizeRule}. */
public class ImageShapeException extends IllegalArgumentException {

    private final int smallestShortSide;

    public ImageShapeException(String message, int smallestShortSide) {
        super(message);
        this.smallestShortSide = smallestShortSide;
    }

    /** The smallest short side the model takes beside this image's long side. */
    public int smallestShortSide() {
        return smallestShortSide;
    }
}
