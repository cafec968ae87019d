package com.boxserve.service.detection;

import java.awt.image.BufferedImage;

/**
 * An image ready for detection: 8-bit RGB, upright (EXIF orientation applied).
 *
 * @param pixels the RGB pixels
 * @param format the format it was decoded from, e.g. "jpeg"
 * @param decodeNanos how long decoding and conversion took
 */
public record DecodedImage(BufferedImage pixels, String format, long decodeNanos) {

    public int width() {
        return pixels.getWidth();
    }

    public int height() {
        return pixels.getHeight();
    }
}
