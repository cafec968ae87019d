package com.boxserve.zoo.precision;

import ai.djl.Device;
import com.boxserve.zoo.InferenceEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The arithmetic a model's forward runs in. {@code fp32} is the export as torchvision computes it;
 * {@code int8} is the backbone, FPN and convolutional heads quantized statically and Faster R-CNN's
 * box head dynamically ({@link Int8Export}), on ONNX Runtime; {@code bf16} is the backbone, FPN and
 * heads in bfloat16 ({@code bf16_torchscript.py}), on PyTorch, whose oneDNN kernels use the CPU's
 * bf16 dot products (ONNX Runtime's CPU provider has no bf16 convolution). Boxes, NMS, RoIAlign and
 * the box predictor stay fp32 in both, and neither is ever the default: their answers differ from
 * fp32's by the agreement their export measured.
 */
public enum Precision {
    FP32,
    INT8,
    BF16;

    /** {@code fp32}, {@code int8} or {@code bf16}, in any case. */
    public static Precision parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "int8" -> INT8;
            case "bf16", "bfloat16" -> BF16;
            default -> throw new IllegalArgumentException("unknown precision '" + value + "': use fp32, int8 or bf16");
        };
    }

    /** The one engine that runs this precision's model; empty for fp32, which both run. */
    public Optional<InferenceEngine> engine() {
        return switch (this) {
            case FP32 -> Optional.empty();
            case INT8 -> Optional.of(InferenceEngine.ONNX_RUNTIME);
            case BF16 -> Optional.of(InferenceEngine.PYTORCH);
        };
    }

    /**
     * Why this precision cannot run on an engine (null: not chosen yet), a device and a CPU, one
     * reason each; empty where it can. The one rule for the library's loads and the service's settings.
     */
    public List<String> refusals(InferenceEngine engine, Device device, CpuFeatures cpu) {
        List<String> refused = new ArrayList<>();
        if (this == FP32) {
            return refused;
        }
        cpu.missingFor(this).ifPresent(refused::add);
        InferenceEngine runs = engine().orElseThrow();
        if (engine != null && engine != runs) {
            refused.add(label() + " runs on " + runs.djlName().toLowerCase(Locale.ROOT) + ", not "
                    + engine.djlName().toLowerCase(Locale.ROOT));
        }
        if (device != null && device.isGpu()) {
            refused.add(label() + " runs on the CPU, not " + device);
        }
        return refused;
    }

    /** The command that makes this precision's model beside an export's fp32 ones; fp32's come from the exporter. */
    public String makeWith(Path modelDirectory) {
        return switch (this) {
            case FP32 -> "model-zoo/exporter/export_detectors.py";
            case INT8 -> "bin/quantize " + modelDirectory + " CALIBRATION_IMAGES_DIR";
            case BF16 -> "bin/quantize --bf16 " + modelDirectory;
        };
    }

    /** The name the settings and the answers use: {@code fp32}, {@code int8}, {@code bf16}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
