package com.boxserve.zoo;

import com.boxserve.zoo.precision.Agreement;
import com.boxserve.zoo.precision.Bf16Artifact;
import com.boxserve.zoo.precision.Int8Artifact;
import com.boxserve.zoo.precision.Precision;
import com.boxserve.zoo.precision.ReducedArtifact;
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
 * @param int8Model the int8 ONNX model beside the fp32 one, or null where none was made
 * @param bf16Model the bf16 TorchScript model beside the fp32 one, or null where none was made
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
        String torchvisionVersion,
        Int8Artifact int8Model,
        Bf16Artifact bf16Model) {

    /** The fp32 model file the engine reads, if the export has one. */
    public Optional<String> modelFile(InferenceEngine engine) {
        return Optional.ofNullable(engine == InferenceEngine.PYTORCH ? torchscriptFile : onnxFile);
    }

    /**
     * The model file the engine reads at a precision, if the export has one: int8 is an ONNX model
     * only, bf16 a TorchScript one only.
     */
    public Optional<String> modelFile(InferenceEngine engine, Precision precision) {
        if (engine != precision.engine().orElse(engine)) {
            return Optional.empty();
        }
        return precision == Precision.FP32 ? modelFile(engine) : reduced(precision).map(ReducedArtifact::file);
    }

    /** A reduced precision's measured agreement with fp32, where the export holds that precision's model. */
    public Optional<Agreement> agreement(Precision precision) {
        return reduced(precision).map(ReducedArtifact::agreement);
    }

    /** What every answer at a reduced precision warns of: how its model was made and how far it is from fp32. */
    public Optional<String> warning(Precision precision) {
        return reduced(precision).map(ReducedArtifact::warning);
    }

    /** The export's model at a reduced precision; empty at fp32 and where none was made. */
    public Optional<ReducedArtifact> reduced(Precision precision) {
        return switch (precision) {
            case FP32 -> Optional.empty();
            case INT8 -> int8().map(ReducedArtifact.class::cast);
            case BF16 -> bf16().map(ReducedArtifact.class::cast);
        };
    }

    public Optional<Int8Artifact> int8() {
        return Optional.ofNullable(int8Model);
    }

    public Optional<Bf16Artifact> bf16() {
        return Optional.ofNullable(bf16Model);
    }
}
