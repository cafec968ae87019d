package com.boxserve.service.detection;

import com.boxserve.service.models.ModelView.WeightsView;
import com.boxserve.zoo.Detection;
import java.util.List;

/**
 * The answer for one image.
 *
 * @param model which model answered, on which engine, at which precision ({@code fp32}, {@code int8}, {@code bf16}), with which weights
 * @param image the image's size in pixels, upright
 * @param detections best first, boxes in the image's pixels
 * @param timings where the time went, in milliseconds
 * @param warning set when the model serves random weights, or int8 or bf16 (with its measured agreement with fp32)
 */
public record DetectionResponse(ModelRef model, ImageSize image, List<DetectionView> detections, Timings timings,
        String warning) {

    /** The model that answered. */
    public record ModelRef(String name, String engine, String precision, WeightsView weights) {
    }

    public record ImageSize(int width, int height) {
    }

    /** One detection: COCO label and id, score, box (x1, y1) top left to (x2, y2) bottom right. */
    public record DetectionView(String label, int categoryId, float score, BoxView box) {

        static DetectionView of(Detection detection) {
            var b = detection.box();
            return new DetectionView(detection.label(), detection.categoryId(), detection.score(),
                    new BoxView(b.x1(), b.y1(), b.x2(), b.y2()));
        }
    }

    public record BoxView(double x1, double y1, double x2, double y2) {
    }

    /**
     * Milliseconds spent decoding, waiting for a worker, in the model, and in all; and how many
     * images shared the model's forward (more than one with dynamic batching).
     */
    public record Timings(double decodeMs, double queueMs, double inferenceMs, double totalMs, int batchSize) {
    }

    /** Several images in one request: one result per image, in the order sent. */
    public record Batch(ModelRef model, List<DetectionResponse> results, String warning) {
    }
}
