package com.boxserve.service.detection;

import ai.djl.modality.cv.ImageFactory;
import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ModelsProperties;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.workload.Priority;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.DetectorMetadata;
import com.boxserve.zoo.ImageShapeException;
import com.boxserve.zoo.InputSizeRule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.springframework.stereotype.Service;

/**
 * The inference path, one way: {@link #admit} at the door (before the body is read), then
 * {@link #detect} once the body is in: the options and each image's size checked once, on the
 * request's thread and before anything is queued, then one workload call per image. The call
 * counts itself once, by outcome, when it is finished. Free of HTTP: the web layer turns
 * results and failures into responses.
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
     * A place for one request in the model's pool, of the class it asks for, or the refusal, made
     * before any of its work: an unknown model (404), a body declared over the byte limit (413), a
     * model not ready or every place taken (503), a deadline the predicted wait would pass (503).
     * The deadline is the request's own, else the model's default, and never later than the
     * service's request timeout. A refusal is counted here.
     *
     * @param declaredBytes the body's declared length, raw or multipart; -1 when it is not declared
     */
    public DetectionCall admit(String modelName, String api, long declaredBytes, RequestTerms terms) {
        long started = System.nanoTime();
        ServedModel model = null;
        try {
            model = registry.get(modelName);
            limits.checkBody(declaredBytes, true);
            Instant now = Instant.now();
            Instant asked = terms.deadline() != null ? terms.deadline()
                    : model.deadline().map(now::plus).orElse(null);
            Instant deadline = now.plus(models.requestTimeout());
            if (asked != null && asked.isBefore(deadline)) {
                deadline = asked;
            }
            return new DetectionCall(model, api, model.admit(terms.priority(), asked == null ? null : deadline), metrics,
                    started, deadline, terms.clientGone());
        } catch (RuntimeException e) {
            metrics.request(model, api, FailureKind.outcomeOf(e), System.nanoTime() - started);
            throw e;
        }
    }

    /**
     * The cheapest refusal, for the first filter: a request for a served model that could not be
     * admitted now (not READY, or every place of its class taken) is refused and counted, with no
     * place taken; anything else (an unknown model too) is left to {@link #admit}.
     */
    public void refuseIfFull(String modelName, String api, Priority priority) {
        ServedModel model = registry.find(modelName).orElse(null);
        if (model != null) {
            long started = System.nanoTime();
            try {
                model.refuseIfFull(priority);
            } catch (ServiceFailure refused) {
                metrics.request(model, api, FailureKind.outcomeOf(refused), System.nanoTime() - started);
                throw refused;
            }
        }
    }

    /** Detects objects in each encoded image, in order. All are decoded and checked before any is queued. */
    public List<Detected> detect(DetectionCall call, List<byte[]> images, DetectionOptions options) {
        return detect(call, options, images.size(), i -> decoder.decode(images.get(i)));
    }

    /** Detects objects in images a client sent as pixels (the Open Inference Protocol's UINT8 tensors). */
    public List<Detected> detectPixels(DetectionCall call, List<DecodedImage> images, DetectionOptions options) {
        return detect(call, options, images.size(), images::get);
    }

    private List<Detected> detect(DetectionCall call, DetectionOptions options, int count,
            IntFunction<DecodedImage> image) {
        ServedModel model = call.model();
        try {
            DetectorMetadata metadata = model.metadata().orElseThrow(() -> new IllegalStateException("no metadata"));
            try {
                options.validateFor(metadata);
            } catch (IllegalArgumentException e) {
                throw ServiceFailure.invalid(e.getMessage());
            }
            InputSizeRule sizes = new InputSizeRule(metadata.architecture(), models.maxInputSide());
            List<DecodedImage> decoded = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                DecodedImage next = image.apply(i);
                metrics.decoded(model, next);
                try {
                    sizes.check(next.width(), next.height());
                } catch (ImageShapeException e) {
                    throw ServiceFailure.of(e);
                }
                decoded.add(next);
            }
            List<Detected> answers = new ArrayList<>();
            // one image at a time, in the request's one place: its images come back in order
            for (DecodedImage ready : decoded) {
                // checked for this model above: the worker's translator does not check again
                DetectionInput input = new DetectionInput(ImageFactory.getInstance().fromImage(ready.pixels()), options,
                        metadata);
                WorkerPool.Outcome<DetectionResult> outcome = call.admission().call(input, call.deadline(), call.clientGone());
                answers.add(new Detected(model, ready, outcome.output(), outcome.queueNanos(), outcome.inferenceNanos(),
                        System.nanoTime() - call.startedNanos(), outcome.batchSize()));
            }
            answers.forEach(metrics::detected);
            call.ended("success");
            return answers;
        } catch (RuntimeException e) {
            call.ended(FailureKind.outcomeOf(e));
            throw e;
        }
    }
}
