package com.boxserve.service.models;

import com.boxserve.zoo.InferenceEngine;

/**
 * How {@code engine: auto} chose a model's engine on this machine.
 *
 * @param engine the engine chosen, by its DJL name
 * @param reason why, in a line
 * @param pytorchMillis the median forward on PyTorch, where measured
 * @param onnxRuntimeMillis the median forward on ONNX Runtime, where measured
 * @param measuredAt when the figures were taken (ISO-8601)
 * @param cached whether this start reused a choice made before instead of measuring
 */
public record EngineChoice(String engine, String reason, Double pytorchMillis, Double onnxRuntimeMillis,
        String measuredAt, boolean cached) {

    InferenceEngine toEngine() {
        return InferenceEngine.parse(engine);
    }

    EngineChoice reused() {
        return new EngineChoice(engine, reason, pytorchMillis, onnxRuntimeMillis, measuredAt, true);
    }
}
