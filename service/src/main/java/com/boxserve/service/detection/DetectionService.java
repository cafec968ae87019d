package com.boxserve.service.detection;

import com.boxserve.service.web.InvalidRequestException;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ModelNotReadyException;
import com.boxserve.service.models.ModelsProperties;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.models.UnknownModelException;
import com.boxserve.service.workload.DeadlineExceededException;
import com.boxserve.service.workload.PoolClosedException;
import com.boxserve.service.workload.QueueFullException;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.DetectorMetadata;
import ai.djl.modality.cv.ImageFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Service;

/**
 * The inference path: resolve the model, check the options, decode, queue, wait within the
 * deadline, and measure every step. Free of HTTP: the controller turns results and exceptions
 * into responses.
 */
@Service
public class DetectionService {

    private final DetectorRegistry registry;
    private final ImageDecoder decoder;
    private final Duration timeout;
    private final MeterRegistry meters;

    public DetectionService(DetectorRegistry registry, ImageDecoder decoder, ModelsProperties models, MeterRegistry meters) {
        this.registry = registry;
        this.decoder = decoder;
        this.timeout = models.requestTimeout();
        this.meters = meters;
    }

    /** Detects objects in each image, in order. All images are decoded before any is queued. */
    public List<Detected> detect(String modelName, List<byte[]> images, DetectionOptions options) {
        long started = System.nanoTime();
        ServedModel model = null;
        try {
            model = registry.get(modelName);
            WorkerPool<DetectionInput, DetectionResult> pool = model.pool();
            DetectorMetadata metadata = model.metadata().orElseThrow(() -> new IllegalStateException("no metadata"));
            validate(options, metadata);
            List<DecodedImage> decoded = new ArrayList<>();
            for (byte[] bytes : images) {
                DecodedImage image = decoder.decode(bytes);
                timer("boxserve.detect.decode", "decoding and converting one image", model)
                        .record(image.decodeNanos(), TimeUnit.NANOSECONDS);
                decoded.add(image);
            }
            List<Detected> answers = infer(model, pool, decoded, options, started);
            for (Detected answer : answers) {
                record(model, "success", answer);
            }
            return answers;
        } catch (RuntimeException e) {
            count(modelName, model, outcome(e), System.nanoTime() - started);
            throw e;
        }
    }

    private static void validate(DetectionOptions options, DetectorMetadata metadata) {
        try {
            options.validateFor(metadata);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    private List<Detected> infer(ServedModel model, WorkerPool<DetectionInput, DetectionResult> pool,
            List<DecodedImage> images, DetectionOptions options, long started) {
        Instant deadline = Instant.now().plus(timeout);
        CompletableFuture<WorkerPool.Outcome<DetectionResult>> pending = null;
        try {
            // one image of a request at a time: a request takes one place in the queue, however
            // many images it carries, and its images come back in order
            List<Detected> answers = new ArrayList<>();
            for (DecodedImage image : images) {
                pending = pool.submit(new DetectionInput(ImageFactory.getInstance().fromImage(image.pixels()), options),
                        deadline);
                long left = Duration.between(Instant.now(), deadline).toNanos();
                WorkerPool.Outcome<DetectionResult> outcome = pending.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
                answers.add(new Detected(model, image, outcome.output(), outcome.queueNanos(),
                        outcome.inferenceNanos(), System.nanoTime() - started, outcome.batchSize()));
            }
            return answers;
        } catch (TimeoutException e) {
            throw new DeadlineExceededException(model.name(), Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PoolClosedException(model.name());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new InferenceFailedException(model.name(), e.getCause());
        } finally {
            // a caller that gives up takes its queued work with it
            if (pending != null) {
                pending.cancel(false);
            }
        }
    }

    private void record(ServedModel model, String outcome, Detected answer) {
        timer("boxserve.detect.queue", "waiting for a worker", model).record(answer.queueNanos(), TimeUnit.NANOSECONDS);
        timer("boxserve.detect.inference", "one forward, translator included", model)
                .record(answer.inferenceNanos(), TimeUnit.NANOSECONDS);
        DistributionSummary.builder("boxserve.detect.detections")
                .description("detections returned per image")
                .tags("model", model.name(), "engine", model.engine().djlName())
                .register(meters)
                .record(answer.result().detections().size());
        count(model.name(), model, outcome, answer.totalNanos());
    }

    private void count(String modelName, ServedModel model, String outcome, long totalNanos) {
        // an unknown model name is not used as a tag: that would let clients create meters at will
        String name = model == null ? "unknown" : modelName;
        String engine = model == null ? "none" : model.engine().djlName();
        Counter.builder("boxserve.detect.requests")
                .description("detect requests by outcome (one per image)")
                .tags("model", name, "engine", engine, "outcome", outcome)
                .register(meters)
                .increment();
        Timer.builder("boxserve.detect.request")
                .description("a detect request from start to answer")
                .tags("model", name, "engine", engine, "outcome", outcome)
                .publishPercentileHistogram()
                .register(meters)
                .record(totalNanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String name, String description, ServedModel model) {
        return Timer.builder(name)
                .description(description)
                .tags("model", model.name(), "engine", model.engine().djlName())
                .publishPercentileHistogram()
                .register(meters);
    }

    private static String outcome(RuntimeException e) {
        if (e instanceof QueueFullException) {
            return "overloaded";
        }
        if (e instanceof DeadlineExceededException) {
            return "timeout";
        }
        if (e instanceof ModelNotReadyException || e instanceof PoolClosedException) {
            return "unavailable";
        }
        if (e instanceof UnknownModelException || e instanceof InvalidRequestException
                || e instanceof ImageTooLargeException || e instanceof UnsupportedImageException) {
            return "rejected";
        }
        return "error";
    }
}
