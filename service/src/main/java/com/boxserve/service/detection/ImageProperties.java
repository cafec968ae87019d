package com.boxserve.service.detection;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what a request may send ({@code boxserve.images.*}).
 *
 * @param maxBytes the largest encoded image accepted
 * @param maxPixels the most pixels an image may decode to, checked from its header before decoding
 * @param maxImagesPerRequest the most images one multipart request may carry
 */
@ConfigurationProperties("boxserve.images")
public record ImageProperties(
        @DefaultValue("20MB") DataSize maxBytes,
        @DefaultValue("40000000") long maxPixels,
        @DefaultValue("16") int maxImagesPerRequest) {
}
