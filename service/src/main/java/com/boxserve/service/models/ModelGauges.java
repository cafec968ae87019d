package com.boxserve.service.models;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * A served model's gauges: its status, its queue depth and the places taken in its pool. They
 * follow whichever model is served under the name (a reload replaces the object), and leave with it.
 * Each holds its supplier strongly: Micrometer's default weak reference let the collector take the
 * lambda, and every gauge then read NaN; {@link #forget} removes them, so nothing outlives the model.
 */
@Component
class ModelGauges {

    private final MeterRegistry meters;
    private final Map<String, List<Meter>> registered = new ConcurrentHashMap<>();
    /** A function counter holds its object weakly and has no builder option against it: held here instead. */
    private final Map<String, Supplier<ServedModel>> followed = new ConcurrentHashMap<>();

    ModelGauges(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Gauges for the model {@code current} returns (null once none is served), tagged with its engine. */
    void follow(ServedModel model, Supplier<ServedModel> current) {
        forget(model.name());
        String name = model.name();
        String engine = model.engineName();
        List<Meter> gauges = new ArrayList<>();
        for (ModelStatus status : ModelStatus.values()) {
            gauges.add(Gauge.builder("boxserve.model.status", current, c -> c.get() != null && c.get().status() == status ? 1 : 0)
                    .description("1 for the model's current status")
                    .tags("model", name, "engine", engine, "status", status.name())
                    .strongReference(true)
                    .register(meters));
        }
        gauges.add(Gauge.builder("boxserve.queue.depth", current, c -> c.get() == null ? 0 : c.get().queueDepth())
                .description("requests waiting for a worker")
                .tags("model", name, "engine", engine)
                .strongReference(true)
                .register(meters));
        gauges.add(Gauge.builder("boxserve.queue.admitted", current, c -> c.get() == null ? 0 : c.get().admitted())
                .description("requests holding a place in the model's pool: queued, running or being decoded")
                .tags("model", name, "engine", engine)
                .strongReference(true)
                .register(meters));
        gauges.add(FunctionCounter.builder("boxserve.model.forwards", current, c -> c.get() == null ? 0 : c.get().forwards())
                .description("images run by the model's workers (live and evaluation), each image of a batch counted")
                .tags("model", name, "engine", engine)
                .register(meters));
        registered.put(name, gauges);
        followed.put(name, current);
    }

    void forget(String name) {
        followed.remove(name);
        List<Meter> previous = registered.remove(name);
        if (previous != null) {
            previous.forEach(meters::remove);
        }
    }
}
