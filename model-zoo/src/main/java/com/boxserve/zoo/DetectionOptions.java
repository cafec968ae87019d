package com.boxserve.zoo;

import java.util.Set;

/**
 * Per-call choices on top of what the export baked in.
 *
 * @param scoreThreshold keep detections scoring at least this; null for the export's own threshold,
 *     which is also the lowest allowed (nothing below it survives the exported model)
 * @param categoryIds keep only these COCO category ids; empty for all
 * @param maxDetections keep at most this many, best first; null for the export's cap
 */
public record DetectionOptions(Float scoreThreshold, Set<Integer> categoryIds, Integer maxDetections) {

    private static final DetectionOptions DEFAULTS = new DetectionOptions(null, Set.of(), null);

    public DetectionOptions {
        categoryIds = categoryIds == null ? Set.of() : Set.copyOf(categoryIds);
    }

    public static DetectionOptions defaults() {
        return DEFAULTS;
    }

    /** Throws {@link IllegalArgumentException}, saying why, when these options do not fit the model. */
    public void validateFor(DetectorMetadata metadata) {
        if (scoreThreshold != null) {
            if (!Float.isFinite(scoreThreshold) || scoreThreshold > 1) {
                throw new IllegalArgumentException("threshold must be a number between "
                        + metadata.scoreThreshold() + " and 1, not " + scoreThreshold);
            }
            if (scoreThreshold < metadata.scoreThreshold()) {
                throw new IllegalArgumentException("threshold " + scoreThreshold + " is below " + metadata.name()
                        + "'s exported score threshold " + metadata.scoreThreshold()
                        + ": detections below it were never computed");
            }
        }
        if (maxDetections != null && maxDetections < 1) {
            throw new IllegalArgumentException("maxDetections must be at least 1, not " + maxDetections);
        }
        for (int id : categoryIds) {
            if (!CocoCategories.isCategory(id)) {
                throw new IllegalArgumentException("no COCO category has id " + id);
            }
        }
    }

    float thresholdFor(DetectorMetadata metadata) {
        return scoreThreshold != null ? scoreThreshold : metadata.scoreThreshold();
    }

    int capFor(DetectorMetadata metadata) {
        return maxDetections != null ? Math.min(maxDetections, metadata.detectionsPerImage())
                : metadata.detectionsPerImage();
    }
}
