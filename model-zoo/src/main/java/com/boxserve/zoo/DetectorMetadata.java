package com.boxserve.zoo;

import java.util.Optional;

/**
 * What the exporter recorded about one model directory ({@code detector.json}).
 *
 * @param name the directory's model name
 * @param architecture which of the seven detectors this is
 * @param weights where the weights came from
 * @param scoreThreshold the score threshold baked into the export: no detection below it exists
 * @param nmsThreshold the IoU above which the export's final NMS drops the lower-scoring box
 * @param detectionsPerImage the detection cap baked into the export
 * @param torchscriptFile the TorchScript file name, for the PyTorch engine
 * @param onnxFile the ONNX file name, or null where the export has none
 * @param exporterVersion the exporter's version
 * @param torchVersion the torch version that exported the model
 * @param torchvisionVersion the torchvision version that exported the model
 */
public record DetectorMetadata(
        String name,
        DetectorArchitecture architecture,
        WeightsProvenance weights,
        float scoreThreshold,
        float nmsThreshold,
        int detectionsPerImage,
        String torchscriptFile,
        String onnxFile,
        String exporterVersion,
        String torchVersion,
        String torchvisionVersion) {

    /** The model file the engine reads, if the export has one. */
    public Optional<String> modelFile(InferenceEngine engine) {
        return Optional.ofNullable(engine == InferenceEngine.PYTORCH ? torchscriptFile : onnxFile);
    }
}
