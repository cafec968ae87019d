package com.boxserve.service.training;

import java.util.List;

/**
 * What a regression run learned.
 *
 * @param method autograd or manual
 * @param startWeights the weights it started from
 * @param startBias the bias it started from
 * @param weights the learned weights
 * @param bias the learned bias
 * @param finalLoss mean squared error after the last epoch
 * @param epochs epochs run
 * @param learningRate the step used
 * @param lossCurve the loss sampled over the run, first and last epoch included
 * @param durationMs wall time of the training loop
 * @param closedForm the least-squares solution, for comparison (null when the data do not determine it)
 */
public record LinearRegressionResult(String method, List<Double> startWeights, double startBias, List<Double> weights,
        double bias, double finalLoss, int epochs, double learningRate, List<LossPoint> lossCurve, double durationMs,
        ClosedForm closedForm) {

    /** The loss after an epoch (epoch 0: before training). */
    public record LossPoint(int epoch, double loss) {
    }

    /** Ordinary least squares, solved from the normal equations. */
    public record ClosedForm(List<Double> weights, double bias, double loss) {
    }
}
