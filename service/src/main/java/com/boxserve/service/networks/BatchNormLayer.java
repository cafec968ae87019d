package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code torch.nn.BatchNorm1d} ([C] or [C, L] per sample) and {@code BatchNorm2d} ([C, H, W]). */
record BatchNormLayer(LayerArguments source, int dimensions, double eps, double momentum) implements Layer {

    BatchNormLayer(LayerArguments source, int dimensions) {
        this(source, dimensions, source.number("eps", 1e-5, 1e-12, 1), source.number("momentum", 0.1, 0, 1));
    }

    @Override
    public Shape outputShape(Shape input) {
        boolean fits = dimensions == 1 ? input.dimension() == 1 || input.dimension() == 2 : input.dimension() == 3;
        if (!fits) {
            throw source.invalid("expects " + (dimensions == 1 ? "[features] or [channels, length]"
                    : "[channels, height, width]") + " per sample, gets " + input);
        }
        return input;
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        return new BatchNormBlock(input.get(0), (float) eps, (float) momentum);
    }

    @Override
    public String describe(Shape input) {
        return "BatchNorm" + dimensions + "d(" + input.get(0) + ", eps=" + PythonRepr.number(eps) + ", momentum="
                + PythonRepr.number(momentum) + ", affine=True, track_running_stats=True)";
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("numFeatures", input.get(0));
        arguments.put("eps", eps);
        arguments.put("momentum", momentum);
        return arguments;
    }

    @Override
    public Map<String, Shape> parameters(Shape input) {
        return perChannel(input, "weight", "bias");
    }

    @Override
    public Map<String, Shape> buffers(Shape input) {
        return perChannel(input, "running_mean", "running_var");
    }

    private static Map<String, Shape> perChannel(Shape input, String first, String second) {
        Map<String, Shape> named = new LinkedHashMap<>();
        named.put(first, new Shape(input.get(0)));
        named.put(second, new Shape(input.get(0)));
        return named;
    }
}
