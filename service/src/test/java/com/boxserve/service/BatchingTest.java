package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Dynamic batching: concurrent requests share forwards, and each image gets what it gets alone. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class BatchingTest {

    @LocalServerPort
    int port;
    private ServiceHttp http;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        Path models = TestModels.exported();
        registry.add("boxserve.models.directory", models::toString);
        registry.add("boxserve.models.include", () -> TestModels.FAST);
        registry.add("boxserve.models.workers", () -> "1");
        registry.add("boxserve.models.queue-capacity", () -> "32");
        registry.add("boxserve.models.batch-size", () -> "4");
        registry.add("boxserve.models.batch-wait", () -> "300ms");
    }

    @BeforeEach
    void connect() {
        http = new ServiceHttp(port);
    }

    @Test
    void batchedResultsEqualUnbatchedImageByImage() throws Exception {
        Path references = TestModels.exported().resolve(TestModels.FAST).resolve("references");
        List<byte[]> images = List.of(Files.readAllBytes(references.resolve("landscape-640x480.png")),
                Files.readAllBytes(references.resolve("portrait-400x600.png")));
        TestModels.awaitReadiness("http://localhost:" + port);
        List<JsonNode> alone = new ArrayList<>();
        for (byte[] image : images) {
            JsonNode answer = detect(image);
            assertEquals(1, answer.path("timings").path("batchSize").asInt(), "a lone request runs alone");
            alone.add(answer.path("detections"));
        }
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Callable<JsonNode>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                byte[] image = images.get(i % 2);
                calls.add(() -> detect(image));
            }
            int batched = 0;
            List<Future<JsonNode>> answers = clients.invokeAll(calls);
            for (int i = 0; i < answers.size(); i++) {
                JsonNode answer = answers.get(i).get();
                batched += answer.path("timings").path("batchSize").asInt() > 1 ? 1 : 0;
                TestModels.assertSameDetections(alone.get(i % 2), answer.path("detections"), 1e-4, 0.1);
            }
            assertTrue(batched > 0, "eight concurrent requests on one worker share forwards");
        } finally {
            clients.shutdown();
        }
    }

    private JsonNode detect(byte[] image) throws Exception {
        HttpResponse<String> response = http.post("/v1/models/" + TestModels.FAST + "/detect", "image/png", image);
        assertEquals(200, response.statusCode(), response.body());
        return ServiceHttp.json(response);
    }
}
