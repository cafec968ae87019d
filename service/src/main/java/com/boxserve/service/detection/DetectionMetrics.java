package com.boxserve.service.detection;

import com.boxserve.service.models.ServedModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * The detect path's meters: one count and one latency per request by outcome, and per image the
 * decode, queue and inference times, the detections, and a count.
 */
@Component
class DetectionMetrics {

    private final MeterRegistry meters;

    DetectionMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /**
     * One request, however many images it carried; {@code model} is null for a name nobody serves,
     * {@code api} the protocol it came by.
     */
    void request(ServedModel model, String api, String outcome, long totalNanos) {
        // an unknown model name is not used as a tag: that would let clients create meters at will
        String name = model == null ? "unknown" : model.name();
        String engine = model == null ? "none" : model.engineName();
        Counter.builder("boxserve.detect.requests")
                .description("detect requests by outcome (one per request, however many images)")
                .tags("model", name, "engine", engine, "api", api, "outcome", outcome)
                .register(meters)
                .increment();
        Timer.builder("boxserve.detect.request")
                .description("a detect request from the door to its answer")
                .tags("model", name, "engine", engine, "api", api, "outcome", outcome)
                .publishPercentileHistogram()
                .register(meters)
                .record(totalNanos, TimeUnit.NANOSECONDS);
    }

    void decoded(ServedModel model, DecodedImage image) {
        timer("boxserve.detect.decode", "decoding and converting one image", model)
                .record(image.decodeNanos(), TimeUnit.NANOSECONDS);
    }

    void detected(Detected answer) {
        ServedModel model = answer.model();
        timer("boxserve.detect.queue", "waiting for a worker", model).record(answer.queueNanos(), TimeUnit.NANOSECONDS);
        timer("boxserve.detect.inference", "one forward, translator included", model)
                .record(answer.inferenceNanos(), TimeUnit.NANOSECONDS);
        DistributionSummary.builder("boxserve.detect.detections")
                .description("detections returned per image")
                .tags("model", model.name(), "engine", model.engineName())
                .register(meters)
                .record(answer.result().detections().size());
        Counter.builder("boxserve.detect.images")
                .description("images detected in")
                .tags("model", model.name(), "engine", model.engineName())
                .register(meters)
                .increment();
    }

    private Timer timer(String name, String description, ServedModel model) {
        return Timer.builder(name)
                .description(description)
                .tags("model", model.name(), "engine", model.engineName())
                .publishPercentileHistogram()
                .register(meters);
    }
}
