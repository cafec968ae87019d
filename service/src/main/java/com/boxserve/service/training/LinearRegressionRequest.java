package com.boxserve.service.training;

import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * A linear regression to learn: {@code y ≈ x·w + b}.
 *
 * @param x one value per sample (one feature), or one row of features per sample
 * @param y one target per sample
 * @param learningRate the gradient step
 * @param epochs full-batch gradient steps
 * @param method {@code autograd} (the engine differentiates the loss) or {@code manual} (hand-written gradients)
 * @param weights starting weights, one per feature; with {@code bias}, or else drawn from {@code seed}
 * @param bias the starting bias
 * @param seed seed for a random start (uniform in [-1, 1]) when no weights are given
 */
public record LinearRegressionRequest(@NotEmpty(message = "is empty") List<@NotNull FeatureRow> x,
        List<@NotNull(message = "must hold finite numbers") Double> y, Double learningRate, Integer epochs,
        String method, List<@NotNull(message = "must hold finite numbers") Double> weights, Double bias, Long seed) {
}
