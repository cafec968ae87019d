package com.boxserve.service.training;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits of the training API ({@code boxserve.training.*}).
 *
 * @param maxEpochs the most epochs one run may ask for
 * @param maxSamples the most data rows (or points, or pooled values) one request may send
 * @param maxFeatures the most features per row
 * @param maxExpressionLength the longest expression accepted
 * @param workers runs at once, apart from detection's workers
 * @param queueCapacity runs that may wait before 503s
 * @param lossCurvePoints how many points the returned loss curve is sampled to
 */
@ConfigurationProperties("boxserve.training")
public record TrainingProperties(
        @DefaultValue("100000") int maxEpochs,
        @DefaultValue("10000") int maxSamples,
        @DefaultValue("16") int maxFeatures,
        @DefaultValue("500") int maxExpressionLength,
        @DefaultValue("2") int workers,
        @DefaultValue("4") int queueCapacity,
        @DefaultValue("100") int lossCurvePoints) {
}
