package com.boxserve.zoo;

/**
 * The size at which a detector's network sees an image, and which images it cannot take.
 *
 * <p>Two steps: the optional shrink of {@link DetectionTranslator} (long side down to
 * {@code maxInputSide}, 0: never), then the model's own transform, torchvision's
 * {@code GeneralizedRCNNTransform}, which scales the short side to {@code minSize} unless the
 * long side would pass {@code maxSize}. Its scale is float32 arithmetic and each side the floor
 * of side × scale in double, as {@code interpolate(recompute_scale_factor=True)} computes it; a very thin
 * image gets a side of 0 there, and torchvision fails on it ("Input and output sizes should be
 * greater than 0"). {@link #check} refuses such an image before any model work.
 */
public record InputSizeRule(DetectorArchitecture architecture, int maxInputSide) {

    public InputSizeRule {
        if (maxInputSide < 0) {
            throw new IllegalArgumentException("maxInputSide must be 0 (off) or positive");
        }
    }

    /** A width and a height in pixels. */
    public record Size(int width, int height) {
    }

    /** What the translator feeds the model: the image itself, or shrunk if its long side passes {@code maxInputSide}. */
    public Size fed(int width, int height) {
        int longSide = Math.max(width, height);
        if (maxInputSide == 0 || longSide <= maxInputSide) {
            return new Size(width, height);
        }
        double scale = (double) maxInputSide / longSide;
        return new Size(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
    }

    /** The size the model's transform resizes the fed image to; a side of 0 is an image the model cannot take. */
    public Size network(int width, int height) {
        Size fed = fed(width, height);
        float shortSide = Math.min(fed.width(), fed.height());
        float longSide = Math.max(fed.width(), fed.height());
        // torch computes a float divided by a tensor as the tensor's reciprocal times the float, in float32
        float scale = Math.min(1f / shortSide * architecture.minSize(), 1f / longSide * architecture.maxSize());
        return new Size((int) Math.floor(fed.width() * (double) scale), (int) Math.floor(fed.height() * (double) scale));
    }

    /** Whether the model can take a width × height image (both sides at least one pixel at the network). */
    public boolean accepts(int width, int height) {
        Size network = network(width, height);
        return network.width() >= 1 && network.height() >= 1;
    }

    /** The smallest short side the model takes beside a long side of {@code longSide} pixels. */
    public int smallestShortSide(int longSide) {
        int shortSide = 1;
        while (shortSide < longSide && !accepts(longSide, shortSide)) {
            shortSide++;
        }
        return shortSide;
    }

    /** Refuses an image the model cannot take, naming the smallest short side it would. */
    public void check(int width, int height) {
        if (accepts(width, height)) {
            return;
        }
        Size network = network(width, height);
        int longSide = Math.max(width, height);
        int smallest = smallestShortSide(longSide);
        throw new ImageShapeException(architecture.modelName() + " cannot take a " + width + "x" + height
                + " image: its transform (short side to " + architecture.minSize() + " px unless the long side would pass "
                + architecture.maxSize() + " px) would make it " + network.width() + "x" + network.height()
                + "; beside a long side of " + longSide + " px the short side must be at least " + smallest + " px",
                smallest);
    }
}
