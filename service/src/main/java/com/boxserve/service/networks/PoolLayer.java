package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.pooling.Pool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * {@code torch.nn.MaxPool1d/2d} and {@code AvgPool1d/2d}, and min pooling, which PyTorch does not
 * have: the maximum of the negated input, negated, as the pooling endpoint computes it.
 */
record PoolLayer(LayerArguments source, Mode mode, int dimensions, int[] kernelSize, int[] stride, int[] padding)
        implements Layer {

    enum Mode { MAX, MIN, AVG }

    /** The stride defaults to the kernel, as PyTorch's pools do. */
    static PoolLayer of(LayerArguments source, Mode mode, int dimensions) {
        int[] kernelSize = source.perDimension("kernelSize", dimensions, 1, null);
        return new PoolLayer(source, mode, dimensions, kernelSize, source.perDimension("stride", dimensions, 1, kernelSize),
                source.perDimension("padding", dimensions, 0, new int[dimensions]));
    }

    @Override
    public Shape outputShape(Shape input) {
        Shapes.requireRank(source, input, dimensions + 1, dimensions == 1 ? "[channels, length]"
                : "[channels, height, width]");
        long[] output = new long[dimensions + 1];
        output[0] = input.get(0);
        for (int d = 0; d < dimensions; d++) {
            if (padding[d] * 2 > kernelSize[d]) {
                throw source.invalid("padding " + padding[d] + " is more than half the kernel " + kernelSize[d]
                        + ", which PyTorch refuses");
            }
            output[d + 1] = Shapes.slide(source, input, d + 1, kernelSize[d], stride[d], padding[d], 1);
        }
        return new Shape(output);
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        Shape kernel = Shapes.of(kernelSize);
        Shape step = Shapes.of(stride);
        Shape pad = Shapes.of(padding);
        UnaryOperator<NDArray> pool = switch (mode) {
            case MAX, MIN -> x -> dimensions == 1 ? Pool.maxPool1d(x, kernel, step, pad, false)
                    : Pool.maxPool2d(x, kernel, step, pad, false);
            // count_include_pad=True, PyTorch's default
            case AVG -> x -> dimensions == 1 ? Pool.avgPool1d(x, kernel, step, pad, false, true)
                    : Pool.avgPool2d(x, kernel, step, pad, false, true);
        };
        UnaryOperator<NDArray> forward = mode == Mode.MIN ? x -> pool.apply(x.neg()).neg() : pool;
        return new FunctionBlock(forward, this::outputShape);
    }

    @Override
    public String describe(Shape input) {
        String name = switch (mode) {
            case MAX -> "MaxPool";
            case MIN -> "MinPool";
            case AVG -> "AvgPool";
        };
        String text = name + dimensions + "d(kernel_size=" + compact(kernelSize) + ", stride=" + compact(stride)
                + ", padding=" + compact(padding);
        return text + (mode == Mode.MAX ? ", dilation=1, ceil_mode=False)" : ")");
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("kernelSize", kernelSize);
        arguments.put("stride", stride);
        arguments.put("padding", padding);
        return arguments;
    }

    /** One number where every dimension has the same, as a module built with an int prints. */
    private static String compact(int[] values) {
        for (int value : values) {
            if (value != values[0]) {
                return PythonRepr.tuple(values);
            }
        }
        return Integer.toString(values[0]);
    }
}
