package com.boxserve.zoo;

import java.util.List;

/**
 * The detections on one image, best score first.
 *
 * @param width the original image's width in pixels
 * @param height the original image's height in pixels
 * @param detections the detections, boxes in original-image pixels
 */
public record DetectionResult(int width, int height, List<Detection> detections) {

    public DetectionResult {
        detections = List.copyOf(detections);
    }
}
