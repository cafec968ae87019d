package com.boxserve.zoo.precision;

/**
 * The int8 model an export holds beside its fp32 one ({@code artifacts."onnx-int8"} in
 * {@code detector.json}), written by {@link Int8Export}.
 *
 * @param file the ONNX file name in the model directory
 * @param calibrationImages how many images calibrated its activations' ranges
 * @param agreement its answers against fp32's, measured when it was written
 */
public record Int8Artifact(String file, int calibrationImages, Agreement agreement) implements ReducedArtifact {

    @Override
    public String warning() {
        return "int8: the backbone, FPN and heads run quantized (convolutions calibrated on " + calibrationImages
                + " images, Faster R-CNN's box head's Linear layers dynamically), so answers"
                + " differ from fp32's: " + agreement.describe();
    }
}
