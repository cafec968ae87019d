package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import java.util.List;

/** An optimizer as it runs: the request's choice with PyTorch's defaults filled in and every value checked. */
public record OptimizerSettings(String kind, double learningRate, double momentum, double weightDecay,
        List<Double> betas, double eps) {

    static OptimizerSettings of(NetworkRequest.Optimizer request) {
        NetworkRequest.Optimizer given = request == null
                ? new NetworkRequest.Optimizer("sgd", null, null, null, null, null) : request;
        String kind = given.kind() == null ? "sgd" : given.kind();
        if (!kind.equals("sgd") && !kind.equals("adam")) {
            throw ServiceFailure.invalid("optimizer.kind must be sgd or adam, not " + kind);
        }
        boolean adam = kind.equals("adam");
        double learningRate = checked("learningRate", given.learningRate(), adam ? 0.001 : 0.01, 0, 10, false);
        double weightDecay = checked("weightDecay", given.weightDecay(), 0, 0, 1, true);
        if (adam) {
            if (given.momentum() != null) {
                throw ServiceFailure.invalid("optimizer.momentum is SGD's; Adam takes betas");
            }
            List<Double> betas = given.betas() == null ? List.of(0.9, 0.999) : given.betas();
            if (betas.size() != 2 || betas.stream().anyMatch(b -> b == null || !(b >= 0 && b < 1))) {
                throw ServiceFailure.invalid("optimizer.betas must be two numbers in [0, 1), not " + betas);
            }
            return new OptimizerSettings(kind, learningRate, 0, weightDecay, List.copyOf(betas),
                    checked("eps", given.eps(), 1e-8, 0, 1, false));
        }
        if (given.betas() != null || given.eps() != null) {
            throw ServiceFailure.invalid("optimizer.betas and eps are Adam's; SGD takes momentum");
        }
        return new OptimizerSettings(kind, learningRate, checked("momentum", given.momentum(), 0, 0, 1, true),
                weightDecay, null, 0);
    }

    private static double checked(String name, Double value, double fallback, double low, double high, boolean lowIncluded) {
        if (value == null) {
            return fallback;
        }
        boolean above = lowIncluded ? value >= low : value > low;
        if (!above || !(value < high) || !Double.isFinite(value)) {
            throw ServiceFailure.invalid("optimizer." + name + " must be " + (lowIncluded ? "at least " : "above ")
                    + low + " and below " + high + ", not " + value);
        }
        return value;
    }
}
