package com.boxserve.service.networks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** {@code torch.nn.Dropout}: {@link SeededDropout} in training, the identity in evaluation. */
final class DropoutBlock extends AbstractBlock {

    private final SeededDropout dropout;

    DropoutBlock(double p, long seed) {
        this.dropout = new SeededDropout(p, seed);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(dropout.apply(inputs.singletonOrThrow(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
