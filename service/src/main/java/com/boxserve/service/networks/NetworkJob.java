package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;

/**
 * A checked request, ready for the engine: everything a training run needs and nothing it must
 * check again.
 *
 * @param inputs every sample's values flat, the training samples first and the held-out ones last
 * @param targets every sample's target flat: class indices for crossEntropy
 * @param predict inputs to run through the trained network, flat, or null
 * @param maxNanos the wall time the run may take before it stops and answers what it has
 */
record NetworkJob(String preset, NetworkPlan plan, ModuleTable table, LossKind loss, OptimizerSettings optimizer,
        int epochs, int batchSize, boolean shuffle, long seed, float[] inputs, float[] targets, int samples,
        int trainingSamples, float[] predict, int predictCount, boolean trace, boolean parametersInAnswer,
        long maxNanos) {

    Shape targetShape() {
        return loss.targetShape(plan.outputShape());
    }
}
