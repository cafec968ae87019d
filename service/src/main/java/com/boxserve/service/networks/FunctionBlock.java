package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.function.UnaryOperator;

/**
 * A layer without parameters: one function of the batch. Unlike DJL's {@code LambdaBlock}, its
 * output shape comes from the layer's own shape rule, so initialising a network runs no forward.
 */
final class FunctionBlock extends AbstractBlock {

    private final UnaryOperator<NDArray> function;
    private final UnaryOperator<Shape> sampleShape;

    FunctionBlock(UnaryOperator<NDArray> function, UnaryOperator<Shape> sampleShape) {
        this.function = function;
        this.sampleShape = sampleShape;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(function.apply(inputs.singletonOrThrow()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Shapes.batched(inputShapes, sampleShape);
    }
}
