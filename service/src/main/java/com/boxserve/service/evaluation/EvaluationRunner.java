package com.boxserve.service.evaluation;

import ai.djl.modality.cv.ImageFactory;
import com.boxserve.service.detection.DecodedImage;
import com.boxserve.service.detection.ImageDecoder;
import com.boxserve.service.detection.ImageProperties;
import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ModelStatus;
import com.boxserve.service.models.ModelView.WeightsView;
import com.boxserve.service.models.ModelsProperties;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.Box;
import com.boxserve.zoo.Detection;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.ImageShapeException;
import com.boxserve.zoo.InputSizeRule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Runs a job's models over its images, one model after another and one image at a time, each
 * forward queued behind live traffic ({@link ServedModel#detectInBackground}), as a detect request
 * would run it: the same decoder, size checks, options and pre-processing. A fault of the data
 * (an image that does not decode, or whose size is not the annotated one) fails the job, naming
 * the image; a model that cannot run (unloaded, failed) fails its own part only.
 */
@Component
class EvaluationRunner {

    /** How long a job waits for a model still loading, as after a restart. */
    private static final Duration READY_PATIENCE = Duration.ofMinutes(10);

    private final DetectorRegistry registry;
    private final ImageDecoder decoder;
    private final ModelsProperties models;
    private final ImageProperties images;
    private final EvaluationStore store;
    private final MeterRegistry meters;

    EvaluationRunner(DetectorRegistry registry, ImageDecoder decoder, ModelsProperties models, ImageProperties images,
            EvaluationStore store, MeterRegistry meters) {
        this.images = images;
        this.registry = registry;
        this.decoder = decoder;
        this.models = models;
        this.store = store;
        this.meters = meters;
    }

    /** Runs every model of the job; returns when all are done, or throws on a fault of the data or an interrupt. */
    void run(EvaluationJob job, EvaluationDataset dataset) throws InterruptedException {
        List<EvaluationView.ModelRun> runs = job.view().models();
        for (int m = 0; m < runs.size(); m++) {
            String name = runs.get(m).model();
            int index = m;
            try {
                ServedModel model = awaitReady(name);
                runModel(job, index, model, dataset);
            } catch (ServiceFailure e) {
                if (e.kind() != FailureKind.MODEL_NOT_READY && e.kind() != FailureKind.UNKNOWN_MODEL
                        && e.kind() != FailureKind.UNAVAILABLE && e.kind() != FailureKind.RUN_FAILED) {
                    throw e;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                job.updateModel(index, r -> new EvaluationView.ModelRun(r.model(), EvaluationView.Status.FAILED,
                        r.imagesDone(), r.imagesTotal(), r.elapsedMs(), null, e.detail(), null));
            }
            job.saveUnlessCancelled(store);
        }
    }

    private ServedModel awaitReady(String name) throws InterruptedException {
        long deadline = System.nanoTime() + READY_PATIENCE.toNanos();
        while (true) {
            ServedModel model = registry.get(name);
            ModelStatus status = model.status();
            if (status == ModelStatus.READY || status == ModelStatus.FAILED || System.nanoTime() > deadline) {
                model.requireReady();
                return model;
            }
            Thread.sleep(500);
        }
    }

    private void runModel(EvaluationJob job, int index, ServedModel model, EvaluationDataset dataset)
            throws InterruptedException {
        DetectorMetadata metadata = model.metadata().orElseThrow(() -> new IllegalStateException("no metadata"));
        InputSizeRule sizes = new InputSizeRule(metadata.architecture(), models.maxInputSide());
        Counter images = Counter.builder("boxserve.evaluation.images").description("Images evaluated")
                .tag("model", model.name()).register(meters);
        Timer forwards = Timer.builder("boxserve.evaluation.forward")
                .description("An evaluation image's forward, with pre- and post-processing, without queueing")
                .tag("model", model.name()).register(meters);
        List<Map<String, Object>> results = new ArrayList<>();
        List<CocoEvaluator.Detection> detections = new ArrayList<>();
        long[] latencies = new long[dataset.images().size()];
        long started = System.nanoTime();
        int done = 0;
        for (CocoGroundTruth.Image image : dataset.truth().images()) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            DecodedImage decoded = decode(image, dataset.images().get(image.id()), sizes);
            DetectionInput input = new DetectionInput(ImageFactory.getInstance().fromImage(decoded.pixels()),
                    DetectionOptions.defaults(), metadata);
            WorkerPool.Outcome<DetectionResult> outcome = model.detectInBackground(input);
            for (Detection found : outcome.output().detections()) {
                Long category = dataset.datasetCategoryOf().get(found.categoryId());
                if (category != null) {
                    Box box = found.box();
                    double[] bbox = {box.x1(), box.y1(), box.width(), box.height()};
                    double score = found.score();
                    detections.add(new CocoEvaluator.Detection(image.id(), category, bbox, score));
                    results.add(Map.of("image_id", image.id(), "category_id", category, "bbox", bbox, "score", score));
                }
            }
            latencies[done++] = outcome.inferenceNanos();
            forwards.record(outcome.inferenceNanos(), TimeUnit.NANOSECONDS);
            images.increment();
            long elapsed = System.nanoTime() - started;
            int finished = done;
            job.updateModel(index, r -> new EvaluationView.ModelRun(r.model(), EvaluationView.Status.RUNNING, finished,
                    r.imagesTotal(), elapsed / 1_000_000, elapsed / finished * (r.imagesTotal() - finished) / 1_000_000,
                    null, null));
        }
        if (job.cancelled()) {
            // its folder may be gone with it: nothing more is written
            throw new InterruptedException();
        }
        store.write(store.detections(job.id(), model.name()), results);
        long elapsed = System.nanoTime() - started;
        EvaluationView.ModelResult result = new EvaluationView.ModelResult(
                EvaluationFigures.of(dataset.truth(), detections), latency(latencies),
                done == 0 ? 0 : done / (elapsed / 1e9), model.engineName(), model.device().toString(),
                WeightsView.of(metadata.weights()));
        job.updateModel(index, r -> new EvaluationView.ModelRun(r.model(), EvaluationView.Status.DONE, r.imagesTotal(),
                r.imagesTotal(), elapsed / 1_000_000, 0L, null, result));
    }

    private DecodedImage decode(CocoGroundTruth.Image image, Path file, InputSizeRule sizes) {
        String which = "image " + image.id() + " ('" + image.fileName() + "')";
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > images.maxBytes().toBytes()) {
                throw ServiceFailure.invalid(which + " has " + size + " bytes, over boxserve.images.max-bytes ("
                        + images.maxBytes().toBytes() + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DecodedImage decoded;
        try {
            decoded = decoder.decode(bytes);
        } catch (ServiceFailure e) {
            throw ServiceFailure.invalid(which + ": " + e.detail());
        }
        if (decoded.width() != image.width() || decoded.height() != image.height()) {
            throw ServiceFailure.invalid(which + " is " + decoded.width() + "×" + decoded.height()
                    + " (upright), but the annotations say " + image.width() + "×" + image.height());
        }
        try {
            sizes.check(decoded.width(), decoded.height());
        } catch (ImageShapeException e) {
            throw ServiceFailure.invalid(which + ": " + e.getMessage());
        }
        return decoded;
    }

    /** Nearest-rank percentiles, in milliseconds. */
    private static EvaluationView.Latency latency(long[] nanos) {
        if (nanos.length == 0) {
            return new EvaluationView.Latency(0, 0);
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new EvaluationView.Latency(rank(sorted, 0.5) / 1e6, rank(sorted, 0.9) / 1e6);
    }

    private static long rank(long[] sorted, double quantile) {
        return sorted[Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1)];
    }
}
