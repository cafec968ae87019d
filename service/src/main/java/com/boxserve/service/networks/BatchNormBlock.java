package com.boxserve.service.networks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * Batch normalisation with PyTorch's names ({@code weight}, {@code bias}, and the buffers
 * {@code running_mean}, {@code running_var}) and PyTorch's momentum, where DJL's own
 * {@code BatchNorm} names them gamma and beta and takes MXNet's momentum (1 − PyTorch's).
 * ATen's batch_norm does the work, running statistics included (unbiased variance), in place.
 */
final class BatchNormBlock extends AbstractBlock {

    private final float eps;
    private final float momentum;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    BatchNormBlock(long features, float eps, float momentum) {
        this.eps = eps;
        this.momentum = momentum;
        Shape shape = new Shape(features);
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.GAMMA).optShape(shape)
                .optInitializer(Initializer.ONES).build());
        bias = addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BETA).optShape(shape)
                .optInitializer(Initializer.ZEROS).build());
        runningMean = addParameter(Parameter.builder().setName("running_mean").setType(Parameter.Type.RUNNING_MEAN)
                .optShape(shape).optInitializer(Initializer.ZEROS).optRequiresGrad(false).build());
        runningVar = addParameter(Parameter.builder().setName("running_var").setType(Parameter.Type.RUNNING_VAR)
                .optShape(shape).optInitializer(Initializer.ONES).optRequiresGrad(false).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        var device = inputs.head().getDevice();
        // axis -1 makes DJL hand the input to ATen as it is, which normalises dimension 1 (the channels);
        // DJL passes 1 − momentum on to ATen, so MXNet's momentum in gives PyTorch's back
        return BatchNorm.batchNorm(inputs.singletonOrThrow(), store.getValue(runningMean, device, training),
                store.getValue(runningVar, device, training), store.getValue(weight, device, training),
                store.getValue(bias, device, training), -1, 1 - momentum, eps, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
