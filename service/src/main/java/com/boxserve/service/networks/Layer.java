package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Map;

/**
 * One layer of a network, the counterpart of one PyTorch module in a {@code torch.nn.Sequential}.
 * Shapes here are one sample's, without the batch dimension, as a learner writes them.
 */
sealed interface Layer permits LinearLayer, ConvLayer, PoolLayer, FlattenLayer, DropoutLayer, BatchNormLayer,
        LayerNormLayer, ActivationLayer, EmbeddingLayer, RecurrentLayer, TransformerEncoderLayer {

    /** Where the layer stands in the request and what it was asked for, for messages and the table. */
    LayerArguments source();

    /** One sample's output shape, or a 400 that names the layer and both shapes when the input does not fit. */
    Shape outputShape(Shape input);

    /** The engine's block, its parameters drawn by {@code init} as PyTorch's default initialisation draws them. */
    Block block(Shape input, TorchInit init);

    /** The module as {@code print(model)} shows its PyTorch namesake, e.g. {@code Linear(in_features=4, ...)}. */
    String describe(Shape input);

    /** The arguments with defaults filled in and input sizes inferred. */
    Map<String, Object> arguments(Shape input);

    /** The values one sample's forward holds for its backward: the output, and more where a layer keeps more. */
    default long activations(Shape input) {
        return outputShape(input).size();
    }

    /** The learnable parameters by PyTorch's name and shape, in {@code named_parameters()} order. */
    default Map<String, Shape> parameters(Shape input) {
        return Map.of();
    }

    /** The state that is not learned ({@code named_buffers()}): batch normalisation's running statistics. */
    default Map<String, Shape> buffers(Shape input) {
        return Map.of();
    }
}
