package com.boxserve.zoo;

import ai.djl.modality.cv.Image;

/** What a detector's predictor takes: one image and the per-call options for it. */
public record DetectionInput(Image image, DetectionOptions options) {

    public DetectionInput(Image image) {
        this(image, DetectionOptions.defaults());
    }
}
