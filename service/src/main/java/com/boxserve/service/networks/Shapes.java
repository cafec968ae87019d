package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/** The shape arithmetic the layers share: sliding windows and rank checks, with PyTorch's formulas. */
final class Shapes {

    private Shapes() {
    }

    static Shape of(int[] sizes) {
        return new Shape(Arrays.stream(sizes).asLongStream().toArray());
    }

    static int[] filled(int length, int value) {
        int[] values = new int[length];
        Arrays.fill(values, value);
        return values;
    }

    static Shape withBatch(long batch, Shape sample) {
        return new Shape(batch).addAll(sample);
    }

    /** A block's output shapes from its layer's rule for one sample, the batch kept in front. */
    static Shape[] batched(Shape[] inputShapes, UnaryOperator<Shape> sampleRule) {
        Shape input = inputShapes[0];
        return new Shape[] {withBatch(input.get(0), sampleRule.apply(input.slice(1)))};
    }

    /** A size the request gave (0: none) must be the input's at {@code axis}. */
    static void requireSize(LayerArguments layer, Shape input, int axis, long expected, String what) {
        if (expected != 0 && input.get(axis) != expected) {
            throw layer.invalid("expects " + expected + " " + what + ", gets " + input.get(axis) + " (its input is "
                    + input + ")");
        }
    }

    static void requireRank(LayerArguments layer, Shape input, int rank, String expected) {
        if (input.dimension() != rank) {
            throw layer.invalid("expects " + expected + " per sample, gets " + input);
        }
    }

    /** floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1, which must be at least 1. */
    static long slide(LayerArguments layer, Shape input, int axis, int kernel, int stride, int padding, int dilation) {
        long size = input.get(axis);
        long span = (long) dilation * (kernel - 1) + 1;
        long output = Math.floorDiv(size + 2L * padding - span, stride) + 1;
        if (output < 1) {
            throw layer.invalid("a window of " + span + " does not fit dimension " + axis + " of its input " + input
                    + " with padding " + padding);
        }
        return output;
    }
}
