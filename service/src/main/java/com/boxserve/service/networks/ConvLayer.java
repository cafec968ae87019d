package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv1d;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Convolution;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.nn.Conv1d} and {@code Conv2d}: DJL's convolutions hold PyTorch's weight layout
 * [out, in/groups, k...] and call the same ATen convolution.
 */
record ConvLayer(LayerArguments source, int dimensions, int inChannels, int outChannels, int[] kernelSize,
        int[] stride, int[] padding, int[] dilation, int groups, boolean bias) implements Layer {

    ConvLayer(LayerArguments source, int dimensions) {
        this(source, dimensions, source.positive("inChannels", 0), source.positive("outChannels"),
                source.perDimension("kernelSize", dimensions, 1, null),
                source.perDimension("stride", dimensions, 1, Shapes.filled(dimensions, 1)),
                source.perDimension("padding", dimensions, 0, new int[dimensions]),
                source.perDimension("dilation", dimensions, 1, Shapes.filled(dimensions, 1)), source.positive("groups", 1),
                source.flag("bias", true));
    }

    @Override
    public Shape outputShape(Shape input) {
        Shapes.requireRank(source, input, dimensions + 1, dimensions == 1 ? "[channels, length]"
                : "[channels, height, width]");
        long channels = input.get(0);
        Shapes.requireSize(source, input, 0, inChannels, "input channels");
        if (channels % groups != 0 || outChannels % groups != 0) {
            throw source.invalid("groups=" + groups + " must divide both the " + channels + " input channels and the "
                    + outChannels + " output channels");
        }
        long[] output = new long[dimensions + 1];
        output[0] = outChannels;
        for (int d = 0; d < dimensions; d++) {
            output[d + 1] = Shapes.slide(source, input, d + 1, kernelSize[d], stride[d], padding[d], dilation[d]);
        }
        return new Shape(output);
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        Convolution convolution = dimensions == 1 ? configure(Conv1d.builder()).build()
                : configure(Conv2d.builder()).build();
        long fanIn = input.get(0) / groups * Shapes.of(kernelSize).size();
        convolution.setInitializer(init.uniform(fanIn), Parameter.Type.WEIGHT);
        convolution.setInitializer(init.uniform(fanIn), Parameter.Type.BIAS);
        return convolution;
    }

    private <B extends Convolution.ConvolutionBuilder<B>> B configure(B builder) {
        return builder.setFilters(outChannels).setKernelShape(Shapes.of(kernelSize)).optStride(Shapes.of(stride))
                .optPadding(Shapes.of(padding)).optDilation(Shapes.of(dilation)).optGroups(groups).optBias(bias);
    }

    @Override
    public String describe(Shape input) {
        StringBuilder text = new StringBuilder("Conv" + dimensions + "d(" + input.get(0) + ", " + outChannels
                + ", kernel_size=" + PythonRepr.tuple(kernelSize) + ", stride=" + PythonRepr.tuple(stride));
        // as torch's extra_repr: the arguments left at their defaults are not printed
        if (anyNot(padding, 0)) {
            text.append(", padding=").append(PythonRepr.tuple(padding));
        }
        if (anyNot(dilation, 1)) {
            text.append(", dilation=").append(PythonRepr.tuple(dilation));
        }
        if (groups != 1) {
            text.append(", groups=").append(groups);
        }
        if (!bias) {
            text.append(", bias=False");
        }
        return text.append(')').toString();
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("inChannels", input.get(0));
        arguments.put("outChannels", outChannels);
        arguments.put("kernelSize", kernelSize);
        arguments.put("stride", stride);
        arguments.put("padding", padding);
        arguments.put("dilation", dilation);
        arguments.put("groups", groups);
        arguments.put("bias", bias);
        return arguments;
    }

    private static boolean anyNot(int[] values, int expected) {
        for (int value : values) {
            if (value != expected) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Map<String, Shape> parameters(Shape input) {
        Map<String, Shape> parameters = new LinkedHashMap<>();
        parameters.put("weight", new Shape(outChannels, input.get(0) / groups).addAll(Shapes.of(kernelSize)));
        if (bias) {
            parameters.put("bias", new Shape(outChannels));
        }
        return parameters;
    }
}
