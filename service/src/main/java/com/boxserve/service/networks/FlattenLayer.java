package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Map;

/** {@code torch.nn.Flatten(start_dim)}: the dimensions from {@code startDim} (batch counted, as PyTorch counts) on become one. */
record FlattenLayer(LayerArguments source, int startDim) implements Layer {

    FlattenLayer(LayerArguments source) {
        this(source, source.positive("startDim", 1));
    }

    @Override
    public Shape outputShape(Shape input) {
        if (startDim > input.dimension()) {
            throw source.invalid("startDim " + startDim + " is past the last dimension of its input " + input
                    + " (the batch is dimension 0)");
        }
        return input.slice(0, startDim - 1).add(input.slice(startDim - 1).size());
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        Shape output = outputShape(input);
        return new FunctionBlock(x -> x.reshape(Shapes.withBatch(x.getShape().get(0), output)), this::outputShape);
    }

    @Override
    public String describe(Shape input) {
        return "Flatten(start_dim=" + startDim + ", end_dim=-1)";
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        return Map.of("startDim", startDim);
    }
}
