package com.boxserve.service.detection;

import ai.djl.modality.cv.ImageFactory;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ModelNotReadyException;
import com.boxserve.service.models.ModelsProperties;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.models.UnknownModelException;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.service.workload.WorkloadException;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.ImageShapeException;
import com.boxserve.zoo.InputSizeRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The inference path, in three steps: {@link #admit} at the door (before the body is read),
 * {@link #detect} once the body is in (decode, then one workload call per image), and
 * {@link #finish} when the answer has been written. Every request is counted once, by outcome.
 * Free of HTTP: the web layer turns results and exceptions into responses.
 */
@Service
public class DetectionService {

    private final DetectorRegistry registry;
    private final ImageDecoder decoder;
    private final ModelsProperties models;
    private final ImageProperties limits;
    private final DetectionMetrics metrics;

    DetectionService(DetectorRegistry registry, ImageDecoder decoder, ModelsProperties models, ImageProperties limits,
            DetectionMetrics metrics) {
        this.registry = registry;
        this.decoder = decoder;
        this.models = models;
        this.limits = limits;
        this.metrics = metrics;
    }

    /**
     * A place for one request in the model's pool, or the refusal, made before any of its work:
     * an unknown model (404), a body declared over the byte limit (413), a model not ready or
     * every place taken (503). A refusal is counted here.
     *
     * @param declaredBytes the body's declared length, raw or multipart; -1 when it is not declared
     */
    public DetectionCall admit(String modelName, long declaredBytes) {
        long started = System.nanoTime();
        ServedModel model = null;
        try {
            model = registry.get(modelName);
            limits.checkBody(declaredBytes, true);
            return new DetectionCall(model, model.admit(), started, Instant.now().plus(models.requestTimeout()));
        } catch (RuntimeException e) {
            metrics.request(model, outcome(e), System.nanoTime() - started);
            throw e;
        }
    }

    /** Detects objects in each image, in order. All images are decoded before any is queued. */
    public List<Detected> detect(DetectionCall call, List<byte[]> images, DetectionOptions options) {
        ServedModel model = call.model();
        try {
            DetectorMetadata metadata = model.metadata().orElseThrow(() -> new IllegalStateException("no metadata"));
            validate(options, metadata);
            InputSizeRule sizes = new InputSizeRule(metadata.architecture(), models.maxInputSide());
            List<DecodedImage> decoded = new ArrayList<>();
            for (byte[] bytes : images) {
                DecodedImage image = decoder.decode(bytes);
                metrics.decoded(model, image);
                // refused here, not by the worker: an image the model cannot take is the client's, not a run failure
                sizes.check(image.width(), image.height());
                decoded.add(image);
            }
            List<Detected> answers = new ArrayList<>();
            // one image at a time, in the request's one place: its images come back in order
            for (DecodedImage image : decoded) {
                WorkerPool.Outcome<DetectionResult> outcome = call.admission().call(
                        new DetectionInput(ImageFactory.getInstance().fromImage(image.pixels()), options), call.deadline());
                answers.add(new Detected(model, image, outcome.output(), outcome.queueNanos(), outcome.inferenceNanos(),
                        System.nanoTime() - call.startedNanos(), outcome.batchSize()));
            }
            answers.forEach(metrics::detected);
            call.ended("success");
            return answers;
        } catch (RuntimeException e) {
            call.ended(outcome(e));
            throw e;
        }
    }

    /** Gives the request's place back and counts it; {@code status} tells how a request that never reached detection ended. */
    public void finish(DetectionCall call, int status) {
        call.admission().close();
        metrics.request(call.model(), call.outcome().orElse(status >= 500 ? "error" : "rejected"),
                System.nanoTime() - call.startedNanos());
    }

    private static void validate(DetectionOptions options, DetectorMetadata metadata) {
        try {
            options.validateFor(metadata);
        } catch (IllegalArgumentException e) {
            throw new InvalidDetectionRequestException(e.getMessage());
        }
    }

    private static String outcome(RuntimeException e) {
        if (e instanceof WorkloadException failure) {
            return failure.failure().label();
        }
        if (e instanceof ModelNotReadyException) {
            return "unavailable";
        }
        if (e instanceof ImageTooLargeException || e instanceof UnsupportedImageException || e instanceof ImageShapeException
                || e instanceof InvalidDetectionRequestException || e instanceof UnknownModelException) {
            return "rejected";
        }
        return "error";
    }
}
