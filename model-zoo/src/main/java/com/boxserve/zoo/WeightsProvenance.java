package com.boxserve.zoo;

/**
 * Where a model's weights came from.
 *
 * @param source {@code pretrained} (torchvision's official download), {@code file} (a local copy of
 *     the official file) or {@code random} (seeded random weights: detections mean nothing)
 * @param weightsEnum torchvision's weights enum, for official weights
 * @param sha256 the weights file's digest, for official weights
 * @param seed the seed, for random weights
 */
public record WeightsProvenance(String source, String weightsEnum, String sha256, Long seed) {

    public boolean isRandom() {
        return "random".equals(source);
    }

    /** One line a person can read, loud when the weights are random. */
    public String describe() {
        if (isRandom()) {
            return "RANDOM weights (seed " + seed + "): detections are meaningless, for tests and demos only";
        }
        return "official torchvision weights " + weightsEnum + " (sha256 " + sha256 + ")";
    }
}
