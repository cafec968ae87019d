package com.boxserve.service.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class ModelGaugesTest {

    @Test
    void gaugesStillReadTheModelAfterACollection() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ServedModel model = ServedModel.failed("fcos_resnet50_fpn", "no export");
        // the supplier is referenced by nothing but the gauges, as the registry's lambda is
        new ModelGauges(meters).follow(model, () -> model);
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1.0, meters.get("boxserve.model.status").tag("status", "FAILED").gauge().value());
        assertEquals(0.0, meters.get("boxserve.queue.admitted").gauge().value());
        assertEquals(0.0, meters.get("boxserve.queue.depth").gauge().value());
    }
}
