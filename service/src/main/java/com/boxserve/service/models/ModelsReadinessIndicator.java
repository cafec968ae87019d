package com.boxserve.service.models;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** UP once every required model is READY: the readiness group includes it, liveness does not. */
@Component("models")
public class ModelsReadinessIndicator implements HealthIndicator {

    private final DetectorRegistry registry;

    public ModelsReadinessIndicator(DetectorRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Health health() {
        Map<String, Object> statuses = new LinkedHashMap<>();
        registry.all().forEach(model -> statuses.put(model.name(), model.status()));
        Health.Builder health = registry.requiredReady() ? Health.up() : Health.outOfService();
        return health.withDetails(statuses).build();
    }
}
