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
 * @param maxParameters the most parameters a network may have
 * @param maxValues the most input values (samples × values per sample) a network request may send
 * @param maxActivations the most values a batch's forward may hold across a network's layers
 * @param maxLayers the most layers in a network
 * @param maxSeconds the wall time a network's training may take; past it, the epochs done are answered
 * @param maxTraceSteps the most optimizer steps a traced run may take (each step's loss is answered)
 * @param maxSequenceLength the longest sequence a recurrent or Transformer layer may take
 * @param maxVocabulary the most token ids an embedding may have
 */
@ConfigurationProperties("boxserve.training")
public record TrainingProperties(
        @DefaultValue("100000") int maxEpochs,
        @DefaultValue("10000") int maxSamples,
        @DefaultValue("16") int maxFeatures,
        @DefaultValue("500") int maxExpressionLength,
        @DefaultValue("2") int workers,
        @DefaultValue("4") int queueCapacity,
        @DefaultValue("100") int lossCurvePoints,
        @DefaultValue("1000000") long maxParameters,
        @DefaultValue("1000000") long maxValues,
        @DefaultValue("20000000") long maxActivations,
        @DefaultValue("64") int maxLayers,
        @DefaultValue("60") int maxSeconds,
        @DefaultValue("10000") int maxTraceSteps,
        @DefaultValue("512") int maxSequenceLength,
        @DefaultValue("50000") int maxVocabulary) {
}
