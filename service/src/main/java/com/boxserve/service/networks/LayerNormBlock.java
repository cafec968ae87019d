package com.boxserve.service.networks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/** Layer normalisation with PyTorch's parameter names ({@code weight}, {@code bias}); ATen's layer_norm does the work. */
final class LayerNormBlock extends AbstractBlock {

    private final Shape normalizedShape;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    LayerNormBlock(Shape normalizedShape, float eps) {
        this.normalizedShape = normalizedShape;
        this.eps = eps;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA)
                .optShape(normalizedShape).optInitializer(Initializer.ONES).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA)
                .optShape(normalizedShape).optInitializer(Initializer.ZEROS).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        var device = inputs.head().getDevice();
        return LayerNorm.layerNorm(inputs.singletonOrThrow(), normalizedShape, store.getValue(weight, device, training),
                store.getValue(bias, device, training), eps);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
