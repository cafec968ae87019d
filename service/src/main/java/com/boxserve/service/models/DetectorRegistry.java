package com.boxserve.service.models;

import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.Detector;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The models this service serves. At start-up each configured model is loaded in the
 * background, one after another (LOADING), warmed up on a synthetic image (WARMING) and only
 * then given its worker pool (READY); a model that fails is FAILED with the reason, and the
 * others carry on. At shutdown, after the web server has stopped taking requests, each pool
 * finishes the work in flight before its detector is closed.
 */
@Component
public class DetectorRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DetectorRegistry.class);
    /** Stops after the web server's graceful shutdown, starts before it. */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final ModelsProperties properties;
    private final ModelGauges gauges;
    private final EngineChooser engines;
    private final Map<String, ServedModel> models = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ExecutorService loader = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "model-loader");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean running;

    DetectorRegistry(ModelsProperties properties, ModelGauges gauges, EngineChooser engines) {
        this.properties = properties;
        this.gauges = gauges;
        this.engines = engines;
    }

    @Override
    public synchronized void start() {
        for (String name : modelNames()) {
            ServedModel model = configure(name, properties.settingsFor(name));
            put(model);
            if (model.status() == ModelStatus.FAILED) {
                log.error("{}: FAILED: {}", name, model.failure().orElse(""));
            } else {
                loader.submit(() -> load(model));
            }
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        loader.shutdownNow();
        try {
            loader.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        all().forEach(model -> model.unload(DRAIN));
    }

    /**
     * Loads a model, or reloads it with new settings. A model that is READY keeps serving until
     * its replacement is READY too, then hands over and drains; if the replacement fails, the
     * running model stays and the failure shows in {@code /v1/models}.
     */
    public ServedModel deploy(String name, ModelsProperties.ModelSettings requested) {
        if (!Files.isRegularFile(properties.directory().resolve(name).resolve(ModelDirectory.METADATA_FILE))) {
            throw UnknownModelException.notExported(name, properties.directory());
        }
        ServedModel fresh = configure(name, requested.over(properties.settingsFor(name)));
        if (fresh.status() == ModelStatus.FAILED) {
            throw new InvalidModelSettingsException(fresh.failure().orElse("invalid settings"));
        }
        ServedModel current = models.get(name);
        if (current != null && current.status() == ModelStatus.READY) {
            current.replaceWith(fresh);
            loader.submit(() -> {
                load(fresh);
                if (fresh.status() == ModelStatus.READY) {
                    put(fresh);
                    retire(current);
                }
            });
            return current;
        }
        put(fresh);
        if (current != null) {
            retire(current);
        }
        loader.submit(() -> load(fresh));
        return fresh;
    }

    /** Unloads a model: it answers 503 at once, finishes its queue, frees its memory, then is gone (404). */
    public ServedModel undeploy(String name) {
        ServedModel model = get(name);
        model.startUnloading();
        loader.submit(() -> {
            model.unload(DRAIN);
            if (models.remove(name, model)) {
                gauges.forget(name);
            }
            log.info("{}: unloaded", name);
        });
        return model;
    }

    private void put(ServedModel model) {
        models.put(model.name(), model);
        gauges.follow(model, () -> models.get(model.name()));
    }

    /** Drains and frees a model that another has replaced, off the caller's thread. */
    private void retire(ServedModel old) {
        old.startUnloading();
        Thread retiring = new Thread(() -> old.unload(DRAIN), "retire-" + old.name());
        retiring.setDaemon(true);
        retiring.start();
    }

    private List<String> names() {
        synchronized (models) {
            return List.copyOf(models.keySet());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** A served model by name. */
    public ServedModel get(String name) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw new UnknownModelException(name, names());
        }
        return model;
    }

    public List<ServedModel> all() {
        synchronized (models) {
            return List.copyOf(models.values());
        }
    }

    /** The models readiness waits for: the configured required ones, else every served one. */
    public List<ServedModel> required() {
        if (properties.required().isEmpty()) {
            return all();
        }
        return properties.required().stream()
                .map(name -> models.getOrDefault(name, ServedModel.failed(name, "not configured to be served")))
                .toList();
    }

    private List<String> modelNames() {
        if (!properties.include().isEmpty()) {
            return properties.include();
        }
        Path directory = properties.directory();
        try {
            List<String> found = new ArrayList<>();
            for (Path dir : ModelDirectory.find(directory)) {
                found.add(dir.getFileName().toString());
            }
            if (found.isEmpty()) {
                log.error("no exported models in {}: export some (README, 'Exporting models')", directory.toAbsolutePath());
            }
            return found;
        } catch (IOException e) {
            log.error("cannot read the models directory {}: {}", directory.toAbsolutePath(), e.toString());
            return List.of();
        }
    }

    private ServedModel configure(String name, ModelsProperties.ModelSettings settings) {
        List<String> wrong = ModelSettingsRules.violations(settings);
        if (!wrong.isEmpty()) {
            return ServedModel.failed(name, "invalid settings: " + String.join("; ", wrong));
        }
        return new ServedModel(name, ModelSettingsRules.engine(settings.engine()), LoadOptions.parseDevice(settings.device()),
                settings.workers(), settings.queueCapacity(), settings.batchSize(), settings.batchWait());
    }

    private void load(ServedModel model) {
        Path path = properties.directory().resolve(model.name());
        long started = System.nanoTime();
        Detector detector = null;
        try {
            ModelDirectory directory = ModelDirectory.open(path);
            DetectorMetadata metadata = directory.metadata();
            model.read(metadata);
            if (!metadata.name().equals(model.name())) {
                throw new IllegalStateException(path + " holds " + metadata.name() + ", not " + model.name());
            }
            if (model.requestedEngine().isPresent()) {
                detector = Detector.load(directory, new LoadOptions(model.requestedEngine().get(), model.device(),
                        properties.maxInputSide(), properties.engineOptions()));
            } else {
                EngineChooser.Chosen chosen = engines.choose(directory, model.device(), model.batchSize());
                detector = chosen.detector();
                model.chose(chosen.choice());
                if (models.get(model.name()) == model) {
                    gauges.follow(model, () -> models.get(model.name())); // tagged with the engine chosen
                }
            }
            model.loaded(metadata, detector);
            log.info("{}: loaded on {} {} in {} ms, warming up", model.name(), model.engineName(), model.device(),
                    millisSince(started));
            detector.warmUp(properties.warmupPasses());
            Detector loaded = detector;
            WorkerPool.Batching<DetectionInput> batching = new WorkerPool.Batching<>(model.batchSize(), model.batchWait(),
                    Detector::canShareBatch);
            model.ready(new WorkerPool<>(model.name(), model.workers(), model.queueCapacity(),
                    () -> new PredictorRunner(loaded, loaded.newPredictor()), batching));
            log.info("{}: READY in {} ms ({} workers, queue {}){}", model.name(), millisSince(started), model.workers(),
                    model.queueCapacity(), metadata.weights().isRandom() ? " — " + metadata.weights().describe() : "");
        } catch (Exception | LinkageError e) {
            String reason;
            if (e instanceof CancellationException) {
                reason = "loading stopped: the service is stopping";
                log.info("{}: {}", model.name(), reason);
            } else {
                reason = e.getMessage() != null ? e.getMessage() : e.toString();
                log.error("{}: FAILED: {}", model.name(), reason, e);
            }
            model.fail(reason);
            if (detector != null) {
                detector.close();
            }
        }
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }

    /** Whether every required model is READY (and there is at least one). */
    public boolean requiredReady() {
        List<ServedModel> required = required();
        return !required.isEmpty() && required.stream().allMatch(m -> m.status() == ModelStatus.READY);
    }
}
