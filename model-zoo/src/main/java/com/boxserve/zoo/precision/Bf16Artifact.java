package com.boxserve.zoo.precision;

/**
 * The bf16 TorchScript model an export holds beside its fp32 one ({@code artifacts."torchscript-bf16"}
 * in {@code detector.json}), written by {@link Bf16Export} ({@code bin/quantize --bf16}).
 *
 * @param file the TorchScript file name in the model directory
 * @param layout its convolutions' memory layout: {@code channels-last}; {@code channels-last-matmul}
 *     (its 1x1 convolutions matrix products) where this CPU's libtorch failed that when it was made;
 *     {@code nchw} where it failed both
 * @param agreement its answers against the fp32 TorchScript's, measured when it was written
 */
public record Bf16Artifact(String file, String layout, Agreement agreement) implements ReducedArtifact {

    @Override
    public String warning() {
        return "bf16: the backbone, FPN and heads run in bfloat16 (boxes, NMS and RoIAlign in fp32), so answers differ"
                + " from fp32's: " + agreement.describe();
    }
}
