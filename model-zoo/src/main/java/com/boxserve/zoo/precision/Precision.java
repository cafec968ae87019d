package com.boxserve.zoo.precision;

import ai.djl.Device;
import com.boxserve.zoo.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arithmetic a model's forward runs in. {@code fp32} is the export as torchvision computes it;
 * {@code int8} is the backbone, FPN and convolutional heads quantized statically and Faster R-CNN's
 * box head dynamically ({@link Int8Export}), boxes, NMS, RoIAlign and the box predictor still in fp32, and never
 * the default: its answers differ from fp32's by the agreement its export measured.
 */
public enum Precision {
    FP32,
    INT8;

    /** {@code fp32} or {@code int8}, in any case; {@code bf16} is refused with the measured reason. */
    public static Precision parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "fp32", "float32" -> FP32;
            case "int8" -> INT8;
            case "bf16", "bfloat16" -> throw new IllegalArgumentException("bf16 is not offered: no engine here runs these"
                    + " models faster in bf16 than ONNX Runtime does in fp32 (torch 1.13's bf16 forward of"
                    + " fasterrcnn_resnet50_fpn took 2.1 s against ONNX Runtime's 1.33 s in fp32, see benchmarks/tried.md)");
            default -> throw new IllegalArgumentException("unknown precision '" + value + "': use fp32 or int8");
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
        if (engine != null && engine != InferenceEngine.ONNX_RUNTIME) {
            refused.add(label() + " runs on onnxruntime, not " + engine.djlName().toLowerCase(Locale.ROOT));
        }
        if (device != null && device.isGpu()) {
            refused.add(label() + " runs on the CPU, not " + device);
        }
        return refused;
    }

    /** The name the settings and the answers use: {@code fp32}, {@code int8}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
