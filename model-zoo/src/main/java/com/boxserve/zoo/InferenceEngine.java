package com.boxserve.zoo;

import java.util.Locale;

/** The DJL engines a model directory can be run on, each with the artifact it reads. */
public enum InferenceEngine {
    PYTORCH("PyTorch", ".pt"),
    ONNX_RUNTIME("OnnxRuntime", ".onnx");

    private final String djlName;
    private final String fileSuffix;

    InferenceEngine(String djlName, String fileSuffix) {
        this.djlName = djlName;
        this.fileSuffix = fileSuffix;
    }

    /** The engine name DJL's {@code Criteria} takes. */
    public String djlName() {
        return djlName;
    }

    public String fileSuffix() {
        return fileSuffix;
    }

    /** Accepts {@code pytorch}, {@code onnxruntime}, {@code onnx} and the DJL names, in any case. */
    public static InferenceEngine parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        return switch (v) {
            case "pytorch", "torchscript" -> PYTORCH;
            case "onnxruntime", "onnx", "ort" -> ONNX_RUNTIME;
            default -> throw new IllegalArgumentException(
                    "unknown engine '" + value + "': use pytorch or onnxruntime");
        };
    }
}
