package com.boxserve.service.models;

import com.boxserve.service.workload.WorkerPool;
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
 * @param deadline a request's deadline when it gives none of its own (unset: none, only {@code requestTimeout})
 * @param maxQueueDelay the longest a request waits for a worker before it is shed with a 503 (unset: no bound)
 * @param queuePolicy with a {@code maxQueueDelay}: {@code adaptive-lifo} (a standing queue served
 *     newest-first) or {@code fifo}
 * @param precision the default precision: {@code fp32}, {@code int8} (the export's int8 model made by
 *     {@code bin/quantize}, on ONNX Runtime, where the CPU has VNNI) or {@code bf16} (its bf16 model made by
 *     {@code bin/quantize --bf16}, on PyTorch, where the CPU has AVX-512 BF16 or AMX)
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
        Duration deadline,
        Duration maxQueueDelay,
        @DefaultValue("adaptive-lifo") String queuePolicy,
        @DefaultValue("fp32") String precision,
        @DefaultValue Map<String, String> engineOptions,
        @DefaultValue Map<String, ModelSettings> perModel,
        Path engineChoices) {

    /** Fails start-up on settings a PUT would refuse, naming the property. */
    public ModelsProperties {
        ModelSettings defaults = new ModelSettings(engine, device, workers, queueCapacity, batchSize, batchWait, deadline,
                maxQueueDelay, queuePolicy, precision);
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
     * @param deadline a request's deadline when it gives none (null after {@link #over}: none)
     * @param maxQueueDelay the longest a request waits for a worker (null after {@link #over}: no bound)
     * @param queuePolicy {@code adaptive-lifo} or {@code fifo}
     * @param precision {@code fp32}, {@code int8} or {@code bf16}
     */
    public record ModelSettings(String engine, String device, Integer workers, Integer queueCapacity, Integer batchSize,
            Duration batchWait, Duration deadline, Duration maxQueueDelay, String queuePolicy, String precision) {

        public static final ModelSettings NONE = new ModelSettings(null, null, null, null, null, null, null, null, null,
                null);

        /** These settings, taking the base's wherever these have none. */
        public ModelSettings over(ModelSettings base) {
            return new ModelSettings(
                    engine != null ? engine : base.engine(),
                    device != null ? device : base.device(),
                    workers != null ? workers : base.workers(),
                    queueCapacity != null ? queueCapacity : base.queueCapacity(),
                    batchSize != null ? batchSize : base.batchSize(),
                    batchWait != null ? batchWait : base.batchWait(),
                    deadline != null ? deadline : base.deadline(),
                    maxQueueDelay != null ? maxQueueDelay : base.maxQueueDelay(),
                    queuePolicy != null ? queuePolicy : base.queuePolicy(),
                    precision != null ? precision : base.precision());
        }

        /** How the pool's queue treats time: the bound, and newest-first under a standing queue where bounded. */
        public WorkerPool.QueuePolicy workloadPolicy() {
            return new WorkerPool.QueuePolicy(maxQueueDelay, maxQueueDelay != null
                    && ModelSettingsRules.ADAPTIVE_LIFO.equalsIgnoreCase(queuePolicy.trim()));
        }
    }

    /** The settings in force for one model: its overrides over the defaults. */
    public ModelSettings settingsFor(String model) {
        return perModel.getOrDefault(model, ModelSettings.NONE)
                .over(new ModelSettings(engine, device, workers, queueCapacity, batchSize, batchWait, deadline, maxQueueDelay,
                        queuePolicy, precision));
    }
}
