package com.boxserve.zoo;

import ai.djl.Device;
import com.boxserve.zoo.precision.Precision;
import java.util.Locale;
import java.util.Map;

/**
 * How to load a model directory.
 *
 * @param engine which engine runs it
 * @param device CPU or GPU n
 * @param maxInputSide shrink larger images before inference (0: never), see {@link DetectionTranslator}
 * @param engineOptions engine-specific DJL options, e.g. ONNX Runtime's {@code intraOpNumThreads}
 * @param precision fp32, int8 (the export's int8 model, ONNX Runtime on a CPU with VNNI) or bf16 (its bf16
 *     model, PyTorch on a CPU with bf16 dot products)
 */
public record LoadOptions(InferenceEngine engine, Device device, int maxInputSide, Map<String, String> engineOptions,
        Precision precision) {

    public LoadOptions {
        engineOptions = Map.copyOf(engineOptions);
    }

    /** {@code cpu}, or {@code gpu} / {@code gpuN} for GPU n (case and spaces aside). */
    public static Device parseDevice(String value) {
        String device = value.trim().toLowerCase(Locale.ROOT);
        if (device.equals("cpu")) {
            return Device.cpu();
        }
        if (device.matches("gpu\\d{1,4}")) {
            return Device.gpu(Integer.parseInt(device.substring(3)));
        }
        if (device.equals("gpu")) {
            return Device.gpu(0);
        }
        throw new IllegalArgumentException("unknown device '" + value + "': use cpu or gpuN");
    }

    public static LoadOptions of(InferenceEngine engine) {
        return new LoadOptions(engine, Device.cpu(), 0, Map.of(), Precision.FP32);
    }
}
