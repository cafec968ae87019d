package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Loading, reloading and unloading models while clients keep sending requests. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class ModelManagementTest {

    private static final String OTHER = "fasterrcnn_mobilenet_v3_large_fpn";

    @LocalServerPort
    int port;
    private ServiceHttp http;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) throws Exception {
        Path exported = TestModels.exported();
        Path dir = Files.createTempDirectory("boxserve-managed");
        for (String name : List.of(TestModels.FAST, OTHER)) {
            Files.createSymbolicLink(dir.resolve(name), exported.resolve(name).toAbsolutePath());
        }
        registry.add("boxserve.models.directory", dir::toString);
        registry.add("boxserve.models.include", () -> TestModels.FAST);
        registry.add("boxserve.models.warmup-passes", () -> "1");
    }

    @BeforeEach
    void connect() {
        http = new ServiceHttp(port);
    }

    @Test
    void loadsReloadsAndUnloadsUnderTraffic() throws Exception {
        http.await("/v1/models/" + TestModels.FAST, m -> "READY".equals(m.path("status").asText()));

        // load a model that was not served
        assertEquals(404, http.get("/v1/models/" + OTHER).statusCode());
        HttpResponse<String> load = http.sendJson("PUT", "/v1/models/" + OTHER, "{}");
        assertEquals(202, load.statusCode(), load.body());
        http.await("/v1/models/" + OTHER, m -> "READY".equals(m.path("status").asText()));
        assertEquals(200, detect(OTHER).statusCode());

        // reload FAST on the other engine while a client keeps calling it: it never stops answering
        Traffic traffic = new Traffic(TestModels.FAST, 1);
        traffic.awaitMore(2);
        HttpResponse<String> reload = http.sendJson("PUT", "/v1/models/" + TestModels.FAST,
                "{\"engine\": \"onnxruntime\", \"workers\": 2}");
        assertEquals(202, reload.statusCode(), reload.body());
        http.await("/v1/models/" + TestModels.FAST, m -> "OnnxRuntime".equals(m.path("engine").asText())
                && "READY".equals(m.path("status").asText()) && m.path("workers").asInt() == 2);
        traffic.awaitMore(2); // answered by the new model
        Map<Integer, Integer> statuses = traffic.stop();
        assertEquals(Map.of(200, statuses.getOrDefault(200, 0)), statuses, "only 200s across a reload: " + statuses);

        // unload OTHER under traffic: 200s, then 503s with Retry-After while it drains, then 404s; nothing else.
        // Four clients keep its queue holding jobs, so the drain lasts forwards long and the clients
        // answered by it come straight back to a model that is unloading.
        String gauge = "model=\"" + OTHER + "\",status";
        assertTrue(http.get("/actuator/prometheus").body().contains(gauge), "its status gauge while served");
        Traffic draining = new Traffic(OTHER, 4);
        draining.awaitMore(2);
        assertEquals(202, http.sendJson("DELETE", "/v1/models/" + OTHER, "").statusCode());
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (http.get("/v1/models/" + OTHER).statusCode() != 404) {
            assertTrue(System.nanoTime() < deadline, "never unloaded");
            Thread.sleep(100);
        }
        draining.awaitMore(2);
        Map<Integer, Integer> seen = draining.stop();
        assertTrue(Set.of(200, 503, 404).containsAll(seen.keySet()), "only 200, 503 and 404: " + seen);
        assertTrue(seen.containsKey(503), "503 while it drains: " + seen);
        assertTrue(seen.containsKey(404), seen.toString());
        assertFalse(draining.missingRetryAfter.get(), "every 503 carries Retry-After");
        assertFalse(http.get("/actuator/prometheus").body().contains(gauge), "its gauges are gone");

        // bad requests
        assertEquals(404, http.sendJson("PUT", "/v1/models/yolo_v99", "{}").statusCode());
        HttpResponse<String> badEngine = http.sendJson("PUT", "/v1/models/" + OTHER, "{\"engine\": \"tensorflow\"}");
        assertEquals(400, badEngine.statusCode(), badEngine.body());
        // the hostile settings: each field named, and nothing started (the model stays unknown)
        HttpResponse<String> hostile = http.sendJson("PUT", "/v1/models/" + OTHER,
                "{\"workers\": 100000, \"queueCapacity\": -1, \"device\": \"gpu99999\", \"batchSize\": 65}");
        assertEquals(400, hostile.statusCode(), hostile.body());
        for (String field : new String[] {"workers:", "queueCapacity:", "device:", "batchSize:"}) {
            assertTrue(hostile.body().contains(field), field + " named in " + hostile.body());
        }
        assertEquals(404, http.sendJson("DELETE", "/v1/models/" + OTHER, "").statusCode());
        assertEquals(200, detect(TestModels.FAST).statusCode(), "still serving");
    }

    /** Clients calling a model in a loop until stopped, counting statuses. */
    private final class Traffic {
        final Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final AtomicBoolean missingRetryAfter = new AtomicBoolean();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<Thread> threads = new ArrayList<>();

        Traffic(String model, int clients) {
            for (int i = 0; i < clients; i++) {
                Thread thread = new Thread(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> response = detect(model);
                            statuses.merge(response.statusCode(), 1, Integer::sum);
                            if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
                                missingRetryAfter.set(true);
                            }
                        } catch (Exception e) {
                            errors.add(e);
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
        }

        /** Waits until the client has had this many more answers. */
        void awaitMore(int answers) throws InterruptedException {
            int target = total() + answers;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (total() < target) {
                assertTrue(System.nanoTime() < deadline, "the client got no answers: " + statuses + " " + errors);
                Thread.sleep(20);
            }
        }

        int total() {
            return statuses.values().stream().mapToInt(Integer::intValue).sum();
        }

        Map<Integer, Integer> stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            assertTrue(errors.isEmpty(), "client errors: " + errors);
            return Map.copyOf(statuses);
        }
    }

    private HttpResponse<String> detect(String model) throws Exception {
        return http.post("/v1/models/" + model + "/detect", "image/png", TestImages.resource("photo.png"));
    }
}
