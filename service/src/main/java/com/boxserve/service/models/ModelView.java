package com.boxserve.service.models;

import com.boxserve.zoo.DetectorArchitecture;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.WeightsProvenance;
import com.boxserve.zoo.precision.Agreement;
import java.time.Duration;

/**
 * A served model as {@code /v1/models} shows it.
 *
 * @param name the model's name
 * @param family Faster R-CNN, RetinaNet or FCOS
 * @param engine PyTorch or OnnxRuntime ({@code auto} while the choice is being made)
 * @param engineChoice with {@code engine: auto}, how the engine was chosen: why, and both engines' figures
 * @param device cpu or gpu(n)
 * @param precision fp32, or int8 or bf16: the export's model at that precision, whose answers differ from fp32's
 *     by {@code agreement}
 * @param int8Available whether the export holds an int8 model ({@code bin/quantize} makes one), once read
 * @param bf16Available whether the export holds a bf16 model ({@code bin/quantize --bf16} makes one), once read
 * @param agreement the served reduced-precision model's agreement with fp32, measured when it was made; null at fp32
 * @param status LOADING, WARMING, READY or FAILED
 * @param failure why it FAILED
 * @param weights where the weights came from; {@code random: true} means detections are meaningless
 * @param exportedWith the exporter and the torch and torchvision it ran on: a model's answers match
 *     that torchvision's (the parity tests), so this is what to compare with
 * @param backbone the feature extractor, e.g. ResNet-50 FPN
 * @param officialWeights torchvision's weights enum for the official COCO weights, which the figures
 *     below are for (what to export with for real detections, where {@code weights} are random)
 * @param boxMap torchvision's published COCO val2017 box mAP (for the official weights)
 * @param gflops torchvision's published GFLOPs
 * @param parameters torchvision's published parameter count
 * @param inputSize the model's internal resize: short side to minSize, long side at most maxSize
 * @param scoreThresholdFloor the lowest threshold a request may ask for (baked into the export)
 * @param maxDetections the most detections one image can return
 * @param workers worker threads, each with its own predictor
 * @param queueCapacity requests that may wait before 503s
 * @param queueDepth requests waiting now
 * @param batchSize the most same-size images one forward takes (1: no dynamic batching)
 * @param deadlineMs a request's deadline when it gives none; null: none
 * @param maxQueueDelayMs the longest a request waits for a worker before it is shed; null: no bound
 * @param queuePolicy {@code adaptive-lifo} (newest-first under a standing queue) or {@code fifo}; with no bound always fifo
 * @param reload the status of a reload in progress (the replacement takes over once READY), or of one that FAILED
 * @param reloadFailure why that reload failed
 */
public record ModelView(
        String name,
        String family,
        String engine,
        EngineChoice engineChoice,
        String device,
        String precision,
        Boolean int8Available,
        Boolean bf16Available,
        Agreement agreement,
        ModelStatus status,
        String failure,
        WeightsView weights,
        ExportView exportedWith,
        String backbone,
        String officialWeights,
        Double boxMap,
        Double gflops,
        Long parameters,
        InputSize inputSize,
        Float scoreThresholdFloor,
        Integer maxDetections,
        int workers,
        int queueCapacity,
        int queueDepth,
        int batchSize,
        Long deadlineMs,
        Long maxQueueDelayMs,
        String queuePolicy,
        ModelStatus reload,
        String reloadFailure) {

    /** What exported the model. */
    public record ExportView(String exporter, String torch, String torchvision) {
    }

    /** The model's internal resize bounds. */
    public record InputSize(int minSize, int maxSize) {
    }

    /**
     * Weights provenance.
     *
     * @param source pretrained, file or random
     * @param random true when the weights are random: detections are meaningless
     * @param weightsEnum torchvision's weights enum, for official weights
     * @param sha256 the weights file's digest, for official weights
     * @param seed the seed, for random weights
     * @param description one line for people
     */
    public record WeightsView(String source, boolean random, String weightsEnum, String sha256, Long seed,
            String description) {

        public static WeightsView of(WeightsProvenance weights) {
            return new WeightsView(weights.source(), weights.isRandom(), weights.weightsEnum(), weights.sha256(),
                    weights.seed(), weights.describe());
        }
    }

    static ModelView of(ServedModel model) {
        DetectorMetadata metadata = model.metadata().orElse(null);
        // the published facts, also for a model that failed before its metadata was read
        DetectorArchitecture architecture = metadata != null ? metadata.architecture()
                : DetectorArchitecture.find(model.name()).orElse(null);
        return new ModelView(
                model.name(),
                architecture == null ? null : architecture.family().id(),
                model.engineName(),
                model.engineChoice().orElse(null),
                model.device().toString(),
                model.precision().label(),
                metadata == null ? null : metadata.int8().isPresent(),
                metadata == null ? null : metadata.bf16().isPresent(),
                metadata == null ? null : metadata.agreement(model.precision()).orElse(null),
                model.status(),
                model.failure().orElse(null),
                metadata == null ? null : WeightsView.of(metadata.weights()),
                metadata == null ? null : new ExportView(metadata.exporterVersion(), metadata.torchVersion(),
                        metadata.torchvisionVersion()),
                architecture == null ? null : architecture.backbone(),
                architecture == null ? null : architecture.weightsEnum(),
                architecture == null ? null : architecture.boxMap(),
                architecture == null ? null : architecture.gflops(),
                architecture == null ? null : architecture.parameters(),
                architecture == null ? null : new InputSize(architecture.minSize(), architecture.maxSize()),
                metadata == null ? null : metadata.scoreThreshold(),
                metadata == null ? null : metadata.detectionsPerImage(),
                model.workers(),
                model.queueCapacity(),
                model.queueDepth(),
                model.batchSize(),
                model.deadline().map(Duration::toMillis).orElse(null),
                model.queuePolicy().maxDelay() == null ? null : model.queuePolicy().maxDelay().toMillis(),
                model.queuePolicy().adaptiveLifo() ? "adaptive-lifo" : "fifo",
                model.replacement().map(ServedModel::status).orElse(null),
                model.replacement().flatMap(ServedModel::failure).orElse(null));
    }
}
