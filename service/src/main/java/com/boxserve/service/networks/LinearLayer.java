package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code torch.nn.Linear} on the last dimension; DJL's {@link Linear} has PyTorch's weight layout [out, in]. */
record LinearLayer(LayerArguments source, int inFeatures, int outFeatures, boolean bias) implements Layer {

    LinearLayer(LayerArguments source) {
        this(source, source.positive("inFeatures", 0), source.positive("outFeatures"), source.flag("bias", true));
    }

    @Override
    public Shape outputShape(Shape input) {
        Shapes.requireSize(source, input, input.dimension() - 1, inFeatures, "inputs");
        return input.slice(0, input.dimension() - 1).add(outFeatures);
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        Linear linear = Linear.builder().setUnits(outFeatures).optBias(bias).build();
        long fanIn = features(input);
        linear.setInitializer(init.uniform(fanIn), Parameter.Type.WEIGHT);
        linear.setInitializer(init.uniform(fanIn), Parameter.Type.BIAS);
        return linear;
    }

    @Override
    public String describe(Shape input) {
        return "Linear(in_features=" + features(input) + ", out_features=" + outFeatures + ", bias="
                + PythonRepr.bool(bias) + ")";
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("inFeatures", features(input));
        arguments.put("outFeatures", outFeatures);
        arguments.put("bias", bias);
        return arguments;
    }

    private static long features(Shape input) {
        return input.get(input.dimension() - 1);
    }

    @Override
    public Map<String, Shape> parameters(Shape input) {
        Map<String, Shape> parameters = new LinkedHashMap<>();
        parameters.put("weight", new Shape(outFeatures, features(input)));
        if (bias) {
            parameters.put("bias", new Shape(outFeatures));
        }
        return parameters;
    }
}
