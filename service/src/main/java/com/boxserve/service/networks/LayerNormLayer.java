package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code torch.nn.LayerNorm(normalized_shape)}: the last dimensions, by default the last one alone. */
record LayerNormLayer(LayerArguments source, List<Integer> normalizedShape, double eps) implements Layer {

    LayerNormLayer(LayerArguments source) {
        this(source, source.sizes("normalizedShape"), source.number("eps", 1e-5, 1e-12, 1));
    }

    @Override
    public Shape outputShape(Shape input) {
        Shape normalized = normalized(input);
        int rank = normalized.dimension();
        if (rank > input.dimension() || !input.slice(input.dimension() - rank).equals(normalized)) {
            throw source.invalid("normalizedShape " + normalized + " must be the last dimensions of its input " + input);
        }
        return input;
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        return new LayerNormBlock(normalized(input), (float) eps);
    }

    @Override
    public String describe(Shape input) {
        int[] sizes = Arrays.stream(normalized(input).getShape()).mapToInt(Math::toIntExact).toArray();
        return "LayerNorm(" + PythonRepr.tuple(sizes) + ", eps=" + PythonRepr.number(eps) + ", elementwise_affine=True)";
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("normalizedShape", normalized(input).getShape());
        arguments.put("eps", eps);
        return arguments;
    }

    private Shape normalized(Shape input) {
        if (normalizedShape == null) {
            return new Shape(input.get(input.dimension() - 1));
        }
        return new Shape(normalizedShape.stream().mapToLong(Integer::longValue).toArray());
    }

    @Override
    public Map<String, Shape> parameters(Shape input) {
        Map<String, Shape> parameters = new LinkedHashMap<>();
        parameters.put("weight", normalized(input));
        parameters.put("bias", normalized(input));
        return parameters;
    }
}
