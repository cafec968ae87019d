package com.boxserve.service.models;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.ModelDirectory;
import com.boxserve.zoo.precision.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The models this service serves, by name. At start-up each configured model is handed to the
 * {@link ModelLoader}, which loads them in the background one after another; a model that fails
 * is FAILED with the reason, and the others carry on. Deploying, reloading and unloading at run
 * time go through the same loader. At shutdown, after the web server has stopped taking requests, each pool
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
    private final ModelLoader loader;
    private final Map<String, ServedModel> models = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean running;

    DetectorRegistry(ModelsProperties properties, ModelGauges gauges, ModelLoader loader) {
        this.properties = properties;
        this.gauges = gauges;
        this.loader = loader;
    }

    @Override
    public synchronized void start() {
        for (String name : modelNames()) {
            ServedModel model = configure(name, properties.settingsFor(name));
            put(model);
            if (model.status() == ModelStatus.FAILED) {
                log.error("{}: FAILED: {}", name, model.failure().orElse(""));
            } else {
                loader.load(model, this::loaded);
            }
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        loader.stop(DRAIN);
        all().forEach(model -> model.unload(DRAIN));
    }

    /**
     * Loads a model, or reloads it with new settings. A model that is READY keeps serving until
     * its replacement is READY too, then hands over and drains; if the replacement fails, the
     * running model stays and the failure shows in {@code /v1/models}.
     */
    public ServedModel deploy(String name, ModelsProperties.ModelSettings requested) {
        if (!Files.isRegularFile(properties.directory().resolve(name).resolve(ModelDirectory.METADATA_FILE))) {
            throw new ServiceFailure(FailureKind.UNKNOWN_MODEL, "no exported model named '" + name + "' in "
                    + properties.directory().toAbsolutePath());
        }
        ServedModel fresh = configure(name, requested.over(properties.settingsFor(name)));
        if (fresh.status() == ModelStatus.FAILED) {
            throw ServiceFailure.invalid(fresh.failure().orElse("invalid settings"));
        }
        Precision precision = fresh.precision();
        if (precision != Precision.FP32 && ModelDirectory.open(properties.directory().resolve(name)).metadata()
                .reduced(precision).isEmpty()) {
            throw ServiceFailure.invalid("invalid settings: precision: the export of " + name + " has no "
                    + precision.label() + " model: make one with " + precision.makeWith(properties.directory().resolve(name)));
        }
        ServedModel current = models.get(name);
        if (current != null && current.status() == ModelStatus.READY) {
            current.replaceWith(fresh);
            loader.load(fresh, replacement -> {
                if (replacement.status() == ModelStatus.READY) {
                    put(replacement);
                    retire(current);
                }
            });
            return current;
        }
        put(fresh);
        if (current != null) {
            retire(current);
        }
        loader.load(fresh, this::loaded);
        return fresh;
    }

    /** Unloads a model: it answers 503 at once, finishes its queue, frees its memory, then is gone (404). */
    public ServedModel undeploy(String name) {
        ServedModel model = get(name);
        loader.retire(model, DRAIN, () -> {
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
        loader.retire(old, DRAIN, () -> log.info("{}: the replaced model is unloaded", old.name()));
    }

    /** Once a served model has loaded, its gauges carry the engine it chose. */
    private void loaded(ServedModel model) {
        if (models.get(model.name()) == model) {
            gauges.follow(model, () -> models.get(model.name()));
        }
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

    /** A served model by name, if there is one. */
    public Optional<ServedModel> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    /** A served model by name. */
    public ServedModel get(String name) {
        ServedModel model = models.get(name);
        if (model == null) {
            throw new ServiceFailure(FailureKind.UNKNOWN_MODEL, "no model named '" + name + "' is served here; served: "
                    + String.join(", ", names()));
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
        return new ServedModel(name, ModelSettingsRules.engine(settings), LoadOptions.parseDevice(settings.device()),
                settings);
    }

    /** Whether every required model is READY (and there is at least one). */
    public boolean requiredReady() {
        List<ServedModel> required = required();
        return !required.isEmpty() && required.stream().allMatch(m -> m.status() == ModelStatus.READY);
    }
}
