package com.boxserve.zoo;

import ai.djl.Device;
import java.util.Map;

/**
 * How to load a model directory.
 *
 * @param engine which engine runs it
 * @param device CPU or GPU n
 * @param maxInputSide shrink larger images before inference (0: never), see {@link DetectionTranslator}
 * @param engineOptions engine-specific DJL options, e.g. ONNX Runtime's {@code intraOpNumThreads}
 */
public record LoadOptions(InferenceEngine engine, Device device, int maxInputSide, Map<String, String> engineOptions) {

    public LoadOptions {
        engineOptions = Map.copyOf(engineOptions);
    }

    public static LoadOptions of(InferenceEngine engine) {
        return new LoadOptions(engine, Device.cpu(), 0, Map.of());
    }
}
