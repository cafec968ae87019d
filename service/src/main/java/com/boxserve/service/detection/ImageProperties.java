package com.boxserve.service.detection;

import com.boxserve.service.failure.ServiceFailure;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a request may send ({@code boxserve.images.*}).
 *
 * @param maxBytes the largest detect request body, raw or multipart (all its parts together):
 *     {@link #checkBody} is the one place it is compared, and the multipart parser is given it
 *     ({@link MultipartLimits})
 * @param maxPixels the most pixels an image may decode to, checked from its header before decoding
 * @param maxImagesPerRequest the most images one multipart request may carry
 */
@ConfigurationProperties("boxserve.images")
public record ImageProperties(
        @DefaultValue("20MB") DataSize maxBytes,
        @DefaultValue("40000000") long maxPixels,
        @DefaultValue("16") int maxImagesPerRequest) {

    /** Reads a body whole, refusing it once it passes the limit: a body of no declared length is read one byte past it. */
    public byte[] readBody(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes.toBytes() + 1));
        checkBody(bytes.length, false);
        return bytes;
    }

    /** Refuses a body over {@link #maxBytes}, from its declared length before it is read, or as it is read. */
    public void checkBody(long bytes, boolean declared) {
        long max = maxBytes.toBytes();
        if (bytes > max) {
            throw ServiceFailure.bodyTooLarge(declared ? "declares " + bytes + " bytes" : "has more than " + max + " bytes",
                    max);
        }
    }
}
