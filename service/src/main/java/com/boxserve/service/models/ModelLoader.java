package com.boxserve.service.models;

import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.Detector;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.ModelDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Takes a model from its exported directory to READY, and from serving to gone, off the callers'
 * threads, on one executor of its own. Loads run one after another (LOADING, then WARMING on a
 * synthetic image, then READY with its worker pool; FAILED with the reason), so that two models
 * never compete for the CPU and memory while they load; a retired model drains beside them.
 */
@Component
class ModelLoader {

    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private final ModelsProperties properties;
    private final EngineChooser engines;
    private final ExecutorService executor;
    // fair: loads run in the order they were asked for
    private final ReentrantLock loading = new ReentrantLock(true);

    ModelLoader(ModelsProperties properties, EngineChooser engines) {
        this.properties = properties;
        this.engines = engines;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "model-loader-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Loads {@code model} after the loads asked for before it, then runs {@code then} on the same
     * thread (a reload hands over there, once its replacement is READY).
     */
    void load(ServedModel model, Consumer<ServedModel> then) {
        executor.submit(() -> {
            try {
                loading.lockInterruptibly();
            } catch (InterruptedException stopping) {
                model.fail("loading stopped: the service is stopping");
                return;
            }
            try {
                loadNow(model);
            } finally {
                loading.unlock();
            }
            then.accept(model);
        });
    }

    /** Drains the model's queue and frees it, off the caller's thread; {@code then} runs once it is gone. */
    void retire(ServedModel model, Duration drain, Runnable then) {
        model.startUnloading();
        executor.submit(() -> {
            model.unload(drain);
            then.run();
        });
    }

    /** Stops loading (a load in progress is interrupted) and waits up to {@code wait} for the tasks to end. */
    void stop(Duration wait) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(wait.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loadNow(ServedModel model) {
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
                        properties.maxInputSide(), properties.engineOptions(), model.precision()));
            } else {
                EngineChooser.Chosen chosen = engines.choose(directory, model.device(), model.batchSize());
                detector = chosen.detector();
                model.chose(chosen.choice());
            }
            model.loaded(metadata, detector);
            log.info("{}: loaded on {} {} in {} ms, warming up", model.name(), model.engineName(), model.device(),
                    millisSince(started));
            detector.warmUp(properties.warmupPasses());
            Detector loaded = detector;
            WorkerPool.Batching<DetectionInput> batching = new WorkerPool.Batching<>(model.batchSize(), model.batchWait(),
                    Detector::canShareBatch);
            model.ready(new WorkerPool<>(model.name(), model.workers(), model.queueCapacity(),
                    () -> new PredictorRunner(loaded, loaded.newPredictor()), batching, model.queuePolicy()));
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
}
