package com.boxserve.service.networks;

import java.util.List;
import java.util.Map;

/**
 * A network described as data: a sequence of layers (a {@code torch.nn.Sequential}), one sample's
 * input shape, the data, the loss and optimizer, and how long to train. A preset fills in every
 * field the request leaves out, so {@code {"preset": "cnn-bars", "epochs": 3}} is a preset with
 * fewer epochs.
 *
 * @param inputShape one sample's shape, without the batch dimension
 * @param layers each a map with {@code kind} and the kind's arguments ({@code GET /v1/training/layers})
 * @param trace also answer the step-0 parameters and every optimizer step's loss, for comparison with PyTorch
 */
public record NetworkRequest(String preset, List<Integer> inputShape, List<Map<String, Object>> layers, Data data,
        String loss, Optimizer optimizer, Integer epochs, Integer batchSize, Boolean shuffle, Long seed,
        List<Object> predict, Boolean dryRun, Boolean trace) {

    /**
     * @param inputs one nested list per sample, of the input shape (a bare number where it has one value)
     * @param targets one per sample: a class index for crossEntropy, else values of the output's shape
     * @param validationSplit the share of samples held out: the last ⌈split·N⌉
     */
    public record Data(List<Object> inputs, List<Object> targets, Double validationSplit) {

        Data over(Data base) {
            return base == null ? this
                    : new Data(or(inputs, base.inputs), or(targets, base.targets), or(validationSplit, base.validationSplit));
        }
    }

    /** {@code torch.optim.SGD} or {@code torch.optim.Adam}, with PyTorch's defaults for what is left out. */
    public record Optimizer(String kind, Double learningRate, Double momentum, Double weightDecay, List<Double> betas,
            Double eps) {

        /** This optimizer over {@code base}: field by field for the same kind; another kind replaces it whole. */
        Optimizer over(Optimizer base) {
            if (base == null || (kind != null && !kind.equals(base.kind))) {
                return this;
            }
            return new Optimizer(base.kind, or(learningRate, base.learningRate), or(momentum, base.momentum),
                    or(weightDecay, base.weightDecay), or(betas, base.betas), or(eps, base.eps));
        }
    }

    /** This request with every field it leaves out taken from {@code base}. */
    NetworkRequest over(NetworkRequest base) {
        return new NetworkRequest(base.preset, or(inputShape, base.inputShape), or(layers, base.layers),
                data == null ? base.data : data.over(base.data), or(loss, base.loss),
                optimizer == null ? base.optimizer : optimizer.over(base.optimizer), or(epochs, base.epochs),
                or(batchSize, base.batchSize), or(shuffle, base.shuffle), or(seed, base.seed), or(predict, base.predict),
                or(dryRun, base.dryRun), or(trace, base.trace));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
