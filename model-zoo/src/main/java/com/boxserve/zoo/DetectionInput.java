package com.boxserve.zoo;

import ai.djl.modality.cv.Image;

/**
 * What a detector's predictor takes: one image and the per-call options for it.
 *
 * @param checkedFor the model whose option rules and input-size rule ({@link InputSizeRule}, with
 *     the translator's own {@code maxInputSide}) the caller has already applied to this input, so
 *     that the translator does not apply them again on the worker; {@code null}, as the shorter
 *     constructors give, and the translator checks them itself
 */
public record DetectionInput(Image image, DetectionOptions options, DetectorMetadata checkedFor) {

    public DetectionInput(Image image, DetectionOptions options) {
        this(image, options, null);
    }

    public DetectionInput(Image image) {
        this(image, DetectionOptions.defaults());
    }
}
