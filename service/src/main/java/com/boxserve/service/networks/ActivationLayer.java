package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The elementwise activations and softmax; softmax's {@code dim} counts the batch, as {@code torch.nn.Softmax}'s does. */
record ActivationLayer(LayerArguments source, int dim) implements Layer {

    ActivationLayer(LayerArguments source) {
        this(source, source.kind() == LayerKind.SOFTMAX ? source.integer("dim", -1) : 0);
    }

    @Override
    public Shape outputShape(Shape input) {
        int rank = input.dimension() + 1;
        if (source.kind() == LayerKind.SOFTMAX && (dim < -rank || dim >= rank)) {
            throw source.invalid("dim " + dim + " is not a dimension of its input " + input + " with the batch ("
                    + rank + " dimensions)");
        }
        return input;
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        UnaryOperator<NDArray> function = switch (source.kind()) {
            case RELU -> Activation::relu;
            case TANH -> Activation::tanh;
            case SIGMOID -> Activation::sigmoid;
            // ATen's gelu with approximate='none', the erf form torch.nn.GELU() computes
            case GELU -> Activation::gelu;
            case SOFTMAX -> x -> x.softmax(dim);
            default -> throw new IllegalStateException(source.kind() + " is not an activation");
        };
        return new FunctionBlock(function, this::outputShape);
    }

    @Override
    public String describe(Shape input) {
        return switch (source.kind()) {
            case RELU -> "ReLU()";
            case TANH -> "Tanh()";
            case SIGMOID -> "Sigmoid()";
            case GELU -> "GELU(approximate='none')";
            default -> "Softmax(dim=" + dim + ")";
        };
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        return source.kind() == LayerKind.SOFTMAX ? Map.of("dim", dim) : Map.of();
    }
}
