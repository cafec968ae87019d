package com.boxserve.service.detection;

import com.boxserve.service.models.ServedModel;
import com.boxserve.zoo.DetectionResult;

/**
 * What the inference path returns for one image: the image, the detections and the timings.
 *
 * @param model the model that answered
 * @param image the decoded image
 * @param result its detections
 * @param queueNanos time waiting for a worker
 * @param inferenceNanos time in the model, translator included
 * @param totalNanos time from the request's start to the answer
 * @param batchSize how many images shared the forward (dynamic batching)
 */
public record Detected(ServedModel model, DecodedImage image, DetectionResult result, long queueNanos,
        long inferenceNanos, long totalNanos, int batchSize) {
}
