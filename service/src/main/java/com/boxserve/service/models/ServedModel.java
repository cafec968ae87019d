package com.boxserve.service.models;

import ai.djl.Device;
import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.workload.Priority;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.Detector;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.precision.Precision;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One model the service was asked to serve, in whatever state it is: its settings, its status
 * and, once READY, its detector and worker pool.
 */
public final class ServedModel {

    private final String name;
    /** The engine asked for; empty for {@code auto}, chosen while loading. */
    private final Optional<InferenceEngine> requestedEngine;
    private volatile InferenceEngine engine;
    private volatile EngineChoice engineChoice;
    private final Device device;
    private final ModelsProperties.ModelSettings settings;
    /** A model loading or warming up has no queue to measure: a poll interval short beside a load's tens of seconds. */
    private static final Duration LOADING_RETRY = Duration.ofSeconds(5);

    private volatile ModelStatus status = ModelStatus.LOADING;
    private volatile String failure;
    private volatile DetectorMetadata metadata;
    private volatile Detector detector;
    private volatile WorkerPool<DetectionInput, DetectionResult> pool;
    private volatile ServedModel replacement;

    /** {@code settings}: every field set (merged over the defaults) and checked, {@code engine} and {@code device} parsed from them. */
    ServedModel(String name, Optional<InferenceEngine> engine, Device device, ModelsProperties.ModelSettings settings) {
        this.name = name;
        this.requestedEngine = engine;
        this.engine = engine.orElse(null);
        this.device = device;
        this.settings = settings;
    }

    /** A model that failed before it could be configured (an unknown engine, say). */
    static ServedModel failed(String name, String reason) {
        ServedModel model = new ServedModel(name, Optional.of(InferenceEngine.PYTORCH), Device.cpu(),
                new ModelsProperties.ModelSettings("pytorch", "cpu", 0, 0, 1, Duration.ZERO, null, null,
                        ModelSettingsRules.FIFO, "fp32"));
        model.fail(reason);
        return model;
    }

    public String name() {
        return name;
    }

    /** The engine it runs on: the one asked for, or with {@code auto} the one chosen, empty until then. */
    public Optional<InferenceEngine> engine() {
        return Optional.ofNullable(engine);
    }

    /** The engine's DJL name, or {@code auto} while the choice is still being made (for views and metric tags). */
    public String engineName() {
        InferenceEngine current = engine;
        return current == null ? "auto" : current.djlName();
    }

    /** The engine asked for; empty for {@code auto}. */
    public Optional<InferenceEngine> requestedEngine() {
        return requestedEngine;
    }

    /** How {@code auto} chose, once it has. */
    public Optional<EngineChoice> engineChoice() {
        return Optional.ofNullable(engineChoice);
    }

    void chose(EngineChoice choice) {
        this.engineChoice = choice;
        this.engine = choice.toEngine();
    }

    public Device device() {
        return device;
    }

    public int workers() {
        return settings.workers();
    }

    public int queueCapacity() {
        return settings.queueCapacity();
    }

    /** The most same-size images one forward takes (1: no batching). */
    public Precision precision() {
        return Precision.parse(settings.precision());
    }

    /**
     * What every answer of this model warns of, once its export has been read: random weights, and
     * a reduced-precision model's measured distance from fp32; empty for neither.
     */
    public Optional<String> warning() {
        DetectorMetadata read = metadata;
        if (read == null) {
            return Optional.empty();
        }
        List<String> warnings = new ArrayList<>();
        if (read.weights().isRandom()) {
            warnings.add(read.weights().describe());
        }
        read.warning(precision()).ifPresent(warnings::add);
        return warnings.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", warnings));
    }

    public int batchSize() {
        return settings.batchSize();
    }

    public Duration batchWait() {
        return settings.batchWait();
    }

    /** A request's deadline when it gives none of its own. */
    public Optional<Duration> deadline() {
        return Optional.ofNullable(settings.deadline());
    }

    /** How its queue treats time. */
    public WorkerPool.QueuePolicy queuePolicy() {
        return settings.workloadPolicy();
    }

    public ModelStatus status() {
        return status;
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** What the export recorded, once its directory has been read. */
    public Optional<DetectorMetadata> metadata() {
        return Optional.ofNullable(metadata);
    }

    public int queueDepth() {
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        return current == null ? 0 : current.queueDepth();
    }

    /** Images run by its workers so far: live requests' and evaluations' alike. */
    public long forwards() {
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        return current == null ? 0 : current.jobsRun();
    }

    /** Requests holding a place in the pool: queued, running, or still being decoded. */
    public int admitted() {
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        return current == null ? 0 : current.admitted();
    }

    /**
     * A place in a READY model's pool; otherwise a refusal saying why (a FAILED model will not
     * become ready by waiting, so its refusal names no retry time), or the pool's refusal when every
     * place is taken.
     */
    public WorkerPool<DetectionInput, DetectionResult>.Admission admit() {
        return admit(Priority.DEFAULT, null);
    }

    /** As {@link #admit()}, in a place of the request's class, refusing at once a request whose deadline the predicted wait would pass. */
    public WorkerPool<DetectionInput, DetectionResult>.Admission admit(Priority priority, Instant deadline) {
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        requireReady(current);
        return current.admit(priority, deadline);
    }

    /** Refuses at once when the model is not READY or every place of the class is taken; takes no place. */
    public void refuseIfFull(Priority priority) {
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        requireReady(current);
        current.refuseIfFull(priority);
    }

    /** One forward behind all live requests, taking none of their places (an evaluation's image). */
    public WorkerPool.Outcome<DetectionResult> detectInBackground(DetectionInput input) {
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        requireReady(current);
        return current.callInBackground(input);
    }

    /** Refuses, saying why, unless the model is READY; a FAILED model's refusal names no retry time. */
    public void requireReady() {
        requireReady(pool);
    }

    private void requireReady(WorkerPool<DetectionInput, DetectionResult> current) {
        ModelStatus now = status;
        if (now != ModelStatus.READY || current == null) {
            String why = failure().map(reason -> ": " + reason).orElse("");
            throw ServiceFailure.retryable(FailureKind.MODEL_NOT_READY, name + " is " + now + why,
                    now == ModelStatus.FAILED ? null : LOADING_RETRY);
        }
    }

    void loaded(DetectorMetadata metadata, Detector detector) {
        this.metadata = metadata;
        this.detector = detector;
        this.status = ModelStatus.WARMING;
    }

    void ready(WorkerPool<DetectionInput, DetectionResult> pool) {
        this.pool = pool;
        this.status = ModelStatus.READY;
    }

    void read(DetectorMetadata metadata) {
        this.metadata = metadata;
    }

    void fail(String reason) {
        this.failure = reason;
        this.status = ModelStatus.FAILED;
    }

    /** A reload in progress: the model that takes over once it is READY. */
    public Optional<ServedModel> replacement() {
        return Optional.ofNullable(replacement);
    }

    void replaceWith(ServedModel next) {
        this.replacement = next;
    }

    /** Stops taking requests (they get 503); what is queued still runs in {@link #unload}. */
    void startUnloading() {
        this.status = ModelStatus.UNLOADING;
    }

    /**
     * Drains the queue, then frees the pool and detector; the model answers 503 from then on. The
     * pool's close returns only once no forward is running, so the detector is never closed under one.
     */
    void unload(Duration drain) {
        status = status == ModelStatus.FAILED ? ModelStatus.FAILED : ModelStatus.UNLOADING;
        WorkerPool<DetectionInput, DetectionResult> current = pool;
        if (current != null) {
            current.close(drain);
        }
        Detector loaded = detector;
        if (loaded != null) {
            loaded.close();
            NativeMemory.trim();
        }
    }
}
