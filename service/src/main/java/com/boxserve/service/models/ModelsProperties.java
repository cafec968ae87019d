package com.boxserve.service.models;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Which models the service serves and how ({@code boxserve.models.*}).
 *
 * @param directory where the exported model directories are
 * @param include the models to serve; empty for every model found in the directory
 * @param required the models readiness waits for; empty for every included model
 * @param engine the default engine: {@code auto} (each model timed on both on its first load on a
 *     machine, and served on the faster), {@code pytorch} or {@code onnxruntime}
 * @param device the default device: {@code cpu} or {@code gpu0}, {@code gpu1}, ...
 * @param workers the default number of workers per model, each with its own Predictor
 * @param queueCapacity the default number of requests that may wait per model before 503s
 * @param requestTimeout how long a request may wait and run before it is answered with 503
 * @param warmupPasses forwards run on a synthetic image before a model reports READY
 * @param maxInputSide shrink images whose long side exceeds this before inference (0: never)
 * @param batchSize dynamic batching: the most same-size images one forward takes (1: off, the CPU default)
 * @param batchWait dynamic batching: how long a worker waits for more images to fill a batch
 * @param engineOptions DJL engine options for every model, e.g. ONNX Runtime's {@code intraOpNumThreads},
 *     {@code optLevel} or {@code executionMode}; an engine ignores the others'
 * @param perModel overrides per model name
 * @param engineChoices where {@code auto} keeps its choices; unset: {@code ~/.cache/boxserve/engine-choices.json}
 */
@ConfigurationProperties("boxserve.models")
public record ModelsProperties(
        @DefaultValue("models") Path directory,
        @DefaultValue List<String> include,
        @DefaultValue List<String> required,
        @DefaultValue("auto") String engine,
        @DefaultValue("cpu") String device,
        @DefaultValue("1") int workers,
        @DefaultValue("8") int queueCapacity,
        @DefaultValue("60s") Duration requestTimeout,
        @DefaultValue("2") int warmupPasses,
        @DefaultValue("0") int maxInputSide,
        @DefaultValue("1") int batchSize,
        @DefaultValue("5ms") Duration batchWait,
        @DefaultValue Map<String, String> engineOptions,
        @DefaultValue Map<String, ModelSettings> perModel,
        Path engineChoices) {

    /** Fails start-up on settings a PUT would refuse, naming the property. */
    public ModelsProperties {
        ModelSettings defaults = new ModelSettings(engine, device, workers, queueCapacity, batchSize, batchWait);
        refuse("boxserve.models", defaults);
        perModel.forEach((name, settings) -> refuse("boxserve.models.per-model." + name, settings.over(defaults)));
    }

    private static void refuse(String property, ModelSettings settings) {
        List<String> wrong = ModelSettingsRules.violations(settings);
        if (!wrong.isEmpty()) {
            throw new IllegalArgumentException(property + ": " + String.join("; ", wrong));
        }
    }

    /**
     * Settings for one model; a null field takes the default above.
     *
     * @param engine {@code auto}, {@code pytorch} or {@code onnxruntime}
     * @param device {@code cpu} or {@code gpuN}
     * @param workers workers, each with its own Predictor
     * @param queueCapacity waiting requests before 503s
     * @param batchSize the most same-size images one forward takes (PyTorch engine)
     * @param batchWait how long a worker waits to fill a batch
     */
    public record ModelSettings(String engine, String device, Integer workers, Integer queueCapacity, Integer batchSize,
            Duration batchWait) {

        public static final ModelSettings NONE = new ModelSettings(null, null, null, null, null, null);

        /** These settings, taking the base's wherever these have none. */
        public ModelSettings over(ModelSettings base) {
            return new ModelSettings(
                    engine != null ? engine : base.engine(),
                    device != null ? device : base.device(),
                    workers != null ? workers : base.workers(),
                    queueCapacity != null ? queueCapacity : base.queueCapacity(),
                    batchSize != null ? batchSize : base.batchSize(),
                    batchWait != null ? batchWait : base.batchWait());
        }
    }

    /** The settings in force for one model: its overrides over the defaults. */
    public ModelSettings settingsFor(String model) {
        return perModel.getOrDefault(model, ModelSettings.NONE)
                .over(new ModelSettings(engine, device, workers, queueCapacity, batchSize, batchWait));
    }
}
