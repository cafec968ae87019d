package com.boxserve.service;

import static com.boxserve.service.ServiceHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import com.boxserve.service.deploy.DeploymentFilesTest;
import com.boxserve.service.detection.EarlyRefusal;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.service.workload.WorkerPoolTest;
import com.boxserve.zoo.CocoCategories;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The HTTP API over real HTTP, with real (random-weight) models, one of which fails to load. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability // Spring Boot tests switch metrics export off unless asked
class DetectionApiTest {

    private static final String DETECT = "/v1/models/" + TestModels.FAST + "/detect";
    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    @Autowired
    DetectorRegistry registry;
    @Autowired
    MeterRegistry meters;
    private ServiceHttp http;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        TestModels.fastBesideBroken(registry);
        registry.add("boxserve.images.max-pixels", () -> "20000000");
    }

    @BeforeEach
    void connectAndAwaitReady() throws Exception {
        http = new ServiceHttp(port);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode model = json(http.get("/v1/models/" + TestModels.FAST));
            if ("READY".equals(model.path("status").asText())) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(TestModels.FAST + " never became READY");
    }

    @Test
    void listsModelsWithStatusProvenanceAndFacts() throws Exception {
        JsonNode body = json(http.get("/v1/models"));
        assertTrue(body.path("randomWeights").asBoolean());
        assertTrue(body.path("warning").asText().contains("RANDOM"));
        JsonNode fast = find(body.path("models"), TestModels.FAST);
        assertEquals("READY", fast.path("status").asText());
        assertEquals("faster_rcnn", fast.path("family").asText());
        assertEquals("PyTorch", fast.path("engine").asText());
        assertEquals("cpu()", fast.path("device").asText().toLowerCase());
        assertTrue(fast.path("weights").path("random").asBoolean());
        JsonNode metadata = JSON.readTree(TestModels.exported().resolve(TestModels.FAST).resolve("detector.json").toFile());
        assertEquals(metadata.path("exporter").path("torchvision").asText(), fast.path("exportedWith").path("torchvision").asText());
        assertEquals(metadata.path("exporter").path("torch").asText(), fast.path("exportedWith").path("torch").asText());
        assertFalse(fast.path("exportedWith").path("exporter").asText().isEmpty());
        assertEquals("MobileNetV3-Large FPN", fast.path("backbone").asText());
        assertEquals("FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1", fast.path("officialWeights").asText());
        assertEquals(22.8, fast.path("boxMap").asDouble());
        assertEquals(0.72, fast.path("gflops").asDouble());
        assertEquals(19_386_354, fast.path("parameters").asLong());
        assertEquals(320, fast.path("inputSize").path("minSize").asInt());
        assertTrue(fast.path("scoreThresholdFloor").asDouble() > 0);

        JsonNode broken = find(body.path("models"), TestModels.BROKEN);
        assertEquals("FAILED", broken.path("status").asText());
        assertTrue(broken.path("failure").asText().contains(TestModels.BROKEN + ".pt"), broken.toString());
    }

    @Test
    void detectsInARawBodyWithTimingsAndRandomWeightsFlagged() throws Exception {
        HttpResponse<String> response = http.post(DETECT, "image/png", image("photo.png"));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode body = json(response);
        assertEquals(TestModels.FAST, body.path("model").path("name").asText());
        assertEquals("PyTorch", body.path("model").path("engine").asText());
        assertTrue(body.path("model").path("weights").path("random").asBoolean());
        assertTrue(body.path("warning").asText().contains("RANDOM"));
        assertEquals(320, body.path("image").path("width").asInt());
        assertEquals(240, body.path("image").path("height").asInt());
        assertFalse(body.path("detections").isEmpty(), "the test model detects things on the test photo");
        JsonNode first = body.path("detections").get(0);
        assertTrue(first.path("score").asDouble() > 0);
        assertFalse(first.path("label").asText().isEmpty());
        assertTrue(first.path("box").path("x2").asDouble() <= 320);
        for (String timing : List.of("decodeMs", "queueMs", "inferenceMs", "totalMs")) {
            assertTrue(body.path("timings").has(timing), timing);
        }
        assertTrue(body.path("timings").path("inferenceMs").asDouble() > 0);
    }

    @Test
    void detectionsThroughTheServiceEqualTorchvisionsReference() throws Exception {
        Path references = TestModels.exported().resolve(TestModels.FAST).resolve("references");
        JsonNode reference = JSON.readTree(references.resolve("landscape-640x480.json").toFile());
        HttpResponse<String> response = http.post(DETECT, "image/png",
                Files.readAllBytes(references.resolve("landscape-640x480.png")));
        JsonNode detections = json(response).path("detections");
        assertEquals(reference.path("detections").size(), detections.size());
        for (int i = 0; i < detections.size(); i++) {
            JsonNode want = reference.path("detections").get(i);
            JsonNode got = detections.get(i);
            String at = "detection " + i + ": " + got;
            assertEquals(want.path("label").asInt(), got.path("categoryId").asInt(), at);
            assertEquals(CocoCategories.name(want.path("label").asInt()), got.path("label").asText(), at);
            assertEquals(want.path("score").asDouble(), got.path("score").asDouble(), 1e-4, at);
            String[] corners = {"x1", "y1", "x2", "y2"};
            for (int c = 0; c < 4; c++) {
                assertEquals(want.path("box").get(c).asDouble(), got.path("box").path(corners[c]).asDouble(), 0.1, at);
            }
        }
    }

    @Test
    void appliesThresholdClassesAndCapFromTheQuery() throws Exception {
        JsonNode all = json(http.post(DETECT, "image/png", image("photo.png"))).path("detections");
        assertTrue(all.size() >= 2);
        String label = all.get(0).path("label").asText();
        JsonNode filtered = json(http.post(DETECT + "?classes=" + label.replace(" ", "%20") + "&maxDetections=1",
                "image/png", image("photo.png"))).path("detections");
        assertEquals(1, filtered.size());
        assertEquals(label, filtered.get(0).path("label").asText());
        double high = all.get(0).path("score").asDouble();
        JsonNode strict = json(http.post(DETECT + "?threshold=" + high, "image/png", image("photo.png")))
                .path("detections");
        assertTrue(strict.size() >= 1 && strict.size() < all.size());
    }

    @Test
    void answersSeveralImagesOfMixedSizesInOrder() throws Exception {
        Path references = TestModels.exported().resolve(TestModels.FAST).resolve("references");
        HttpResponse<String> response = http.postMultipart(DETECT, List.of(
                Files.readAllBytes(references.resolve("portrait-400x600.png")), image("photo.jpg"),
                Files.readAllBytes(references.resolve("landscape-640x480.png"))));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode results = json(response).path("results");
        assertEquals(3, results.size());
        assertEquals(400, results.get(0).path("image").path("width").asInt());
        assertEquals(320, results.get(1).path("image").path("width").asInt());
        assertEquals(640, results.get(2).path("image").path("width").asInt());
        JsonNode single = json(http.postMultipart(DETECT, List.of(image("photo.png"))));
        assertEquals(320, single.path("image").path("width").asInt());
    }

    @Test
    void returnsTheAnnotatedImageWhenAskedFor() throws Exception {
        JsonNode first = json(http.post(DETECT, "image/png", image("photo.png"))).path("detections").get(0);
        assertNotNull(first, "a detection to find drawn");
        BufferedImage original = ImageIO.read(new ByteArrayInputStream(image("photo.png")));
        for (String type : List.of("image/png", "image/jpeg")) {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(http.uri(DETECT))
                    .header("Content-Type", "image/png").header("Accept", type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image("photo.png"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, response.statusCode());
            assertEquals(type, response.headers().firstValue("Content-Type").orElse(""));
            BufferedImage annotated = ImageIO.read(new ByteArrayInputStream(response.body()));
            assertEquals(320, annotated.getWidth());
            assertEquals(240, annotated.getHeight());
            if (type.equals("image/png")) {
                assertBoxEdgeDrawn(original, annotated, first);
            }
        }
    }

    /**
     * The middle of the box's left edge carries the colour of its category (lossless PNG; the stroke
     * is two pixels wide and antialiased, so the nearest of three columns counts), where the photo did not.
     */
    private static void assertBoxEdgeDrawn(BufferedImage original, BufferedImage annotated, JsonNode detection) {
        Color expected = Color.getHSBColor((detection.path("categoryId").asInt() * 0.61803f) % 1f, 0.85f, 1f);
        JsonNode box = detection.path("box");
        int x = (int) Math.round(box.path("x1").asDouble());
        int y = (int) Math.round((box.path("y1").asDouble() + box.path("y2").asDouble()) / 2);
        int nearest = Integer.MAX_VALUE;
        for (int column = Math.max(0, x - 1); column <= Math.min(annotated.getWidth() - 1, x + 1); column++) {
            nearest = Math.min(nearest, distance(new Color(annotated.getRGB(column, y)), expected));
        }
        assertTrue(nearest <= 60, "the box edge at (" + x + ", " + y + ") is off its colour by " + nearest);
        assertTrue(distance(new Color(original.getRGB(Math.min(x, original.getWidth() - 1), y)), expected) > nearest,
                "the photo already had that colour there");
    }

    private static int distance(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen()) + Math.abs(a.getBlue() - b.getBlue());
    }

    @Test
    void decodesTheFormatsAndColourModelsClientsSend() throws Exception {
        for (String file : List.of("photo.jpg", "photo.bmp", "photo.webp", "cmyk.jpg", "rgba.png", "gray.png",
                "gray16.png", "animated.gif")) {
            HttpResponse<String> response = http.post(DETECT, "application/octet-stream", image(file));
            assertEquals(200, response.statusCode(), file + ": " + response.body());
            assertEquals(320, json(response).path("image").path("width").asInt(), file);
        }
    }

    @Test
    void appliesExifOrientationSoBoxesAreInTheUprightFrame() throws Exception {
        JsonNode rotated = json(http.post(DETECT, "image/jpeg", image("exif-rotated.jpg")));
        // stored 480x320 with orientation 6: the picture is 320 wide and 480 high
        assertEquals(320, rotated.path("image").path("width").asInt());
        assertEquals(480, rotated.path("image").path("height").asInt());
        // the same pixels turned upright beforehand give the same detections
        BufferedImage stored = ImageIO.read(new ByteArrayInputStream(image("exif-rotated.jpg")));
        BufferedImage upright = new BufferedImage(stored.getHeight(), stored.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < stored.getHeight(); y++) {
            for (int x = 0; x < stored.getWidth(); x++) {
                upright.setRGB(stored.getHeight() - 1 - y, x, stored.getRGB(x, y));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(upright, "png", png);
        JsonNode expected = json(http.post(DETECT, "image/png", png.toByteArray()));
        assertFalse(expected.path("detections").isEmpty());
        assertEquals(expected.path("detections"), rotated.path("detections"));
    }

    @Test
    void answersBadRequestsWithProblemDetailsAndStaysHealthy() throws Exception {
        assertProblem(http.post("/v1/models/yolo/detect", "image/png", image("photo.png")), 404);
        assertProblem(http.get("/v1/models/yolo"), 404);
        assertProblem(http.post(DETECT + "?threshold=0.0000001", "image/png", image("photo.png")), 400);
        assertProblem(http.post(DETECT + "?threshold=abc", "image/png", image("photo.png")), 400);
        assertProblem(http.post(DETECT + "?classes=unicorn", "image/png", image("photo.png")), 400);
        assertProblem(http.post(DETECT + "?maxDetections=0", "image/png", image("photo.png")), 400);
        assertProblem(http.post(DETECT, "image/png", new byte[0]), 400);
        assertProblem(http.post(DETECT, "image/jpeg", "this is text, not a JPEG".getBytes(StandardCharsets.UTF_8)),
                415);
        assertProblem(http.post(DETECT, "text/plain", "this is text".getBytes(StandardCharsets.UTF_8)), 415);
        assertProblem(http.post(DETECT, "image/jpeg", image("truncated.jpg")), 415);
        HttpResponse<String> bomb = http.post(DETECT, "image/png", image("bomb-30000x30000.png"));
        assertProblem(bomb, 413);
        assertTrue(bomb.body().contains("30000x30000"), bomb.body());
        HttpResponse<String> failed = http.post("/v1/models/" + TestModels.BROKEN + "/detect", "image/png",
                image("photo.png"));
        assertProblem(failed, 503);
        assertTrue(failed.body().contains("FAILED"), failed.body());

        assertEquals(200, http.post(DETECT, "image/png", image("photo.png")).statusCode(), "still serving");
        assertTrue(http.get("/actuator/health/liveness").body().contains("UP"));
    }

    @Test
    void refusesWorkWithRetryAfterWhenTheQueueIsFull() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(12);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(() -> http.post(DETECT, "image/png", image("photo.png")));
            }
            Set<Integer> statuses = new HashSet<>();
            int refused = 0;
            for (Future<HttpResponse<String>> call : clients.invokeAll(calls)) {
                HttpResponse<String> response = call.get();
                statuses.add(response.statusCode());
                if (response.statusCode() == 503) {
                    refused++;
                    assertTrue(response.headers().firstValue("Retry-After").isPresent());
                    assertTrue(response.body().contains("queue"), response.body());
                }
            }
            assertTrue(refused > 0, "one worker and a queue of two cannot take twelve at once");
            assertTrue(Set.of(200, 503).containsAll(statuses), "nothing but 200 and 503: " + statuses);
            assertTrue(statuses.contains(200));
        } finally {
            clients.shutdown();
        }
        assertEquals(200, http.post(DETECT, "image/png", image("photo.png")).statusCode(), "serving again");
    }

    @Test
    void exposesHealthGroupsAndPrometheusMetrics() throws Exception {
        assertEquals(200, http.get("/actuator/health/readiness").statusCode());
        assertEquals(200, http.get("/actuator/health/liveness").statusCode());
        http.post(DETECT, "image/png", image("photo.png"));
        HttpResponse<String> scrape = http.get("/actuator/prometheus");
        String metrics = scrape.body();
        assertEquals(200, scrape.statusCode(), metrics);
        for (String name : List.of("boxserve_detect_request_seconds_bucket", "boxserve_detect_inference_seconds_bucket",
                "boxserve_detect_queue_seconds_bucket", "boxserve_detect_decode_seconds_bucket",
                "boxserve_detect_requests_total", "boxserve_detect_detections", "boxserve_queue_depth",
                "boxserve_model_status")) {
            assertTrue(metrics.contains(name), () -> name + " missing from:\n" + metrics.lines()
                    .filter(line -> line.startsWith("boxserve")).map(line -> line.replaceAll("\\{.*", ""))
                    .distinct().collect(java.util.stream.Collectors.joining("\n")));
        }
        Set<String> exported = metrics.lines().filter(line -> !line.startsWith("#"))
                .map(line -> line.replaceAll("[{ ].*", "")).collect(java.util.stream.Collectors.toSet());
        for (String queried : DeploymentFilesTest.dashboardMetrics()) {
            assertTrue(exported.contains(queried), "the Grafana dashboard queries " + queried + ", which the service does not export");
        }
        assertTrue(metrics.contains("model=\"" + TestModels.FAST + "\""));
        assertTrue(metrics.contains("outcome=\"success\""));
        assertEquals(404, http.get("/actuator/env").statusCode(), "only health, info and prometheus are exposed");
        assertEquals(200, http.get("/v3/api-docs").statusCode());
    }

    @Test
    void aFullModelRefusesAtTheDoorWithoutReadingOrDecodingTheBody() throws Exception {
        assertEquals(200, http.post(DETECT, "image/png", image("photo.png")).statusCode());
        double decodes = count("boxserve.detect.decode");
        List<WorkerPool<DetectionInput, DetectionResult>.Admission> held = holdEveryPlace();
        try {
            HttpResponse<String> raw = http.post(DETECT, "image/jpeg", image("photo.jpg"));
            assertProblem(raw, 503);
            assertEquals("urn:boxserve:problem:overloaded", json(raw).path("type").asText());
            assertTrue(Integer.parseInt(raw.headers().firstValue("Retry-After").orElse("0")) >= 1, "Retry-After in seconds");
            assertProblem(http.postMultipart(DETECT, List.of(image("photo.jpg"), image("photo.png"))), 503);
            // a body that never comes: the answer cannot wait for it
            RawHttp.Answer answer = RawHttp.exchange(port, "POST " + DETECT + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: image/jpeg\r\nContent-Length: 500000\r\n\r\n");
            assertEquals(503, answer.status(), answer.toString());
            // a client that asks before sending its body is refused without a 100 Continue, so it never sends it
            RawHttp.Answer expecting = RawHttp.exchange(port, "POST " + DETECT + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: image/jpeg\r\nContent-Length: 500000\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(503, expecting.status(), expecting.toString());
            assertFalse(expecting.head().contains("100 Continue"), expecting.toString());
            // an address refused over and over within a second has its further refusals held, not answered at once
            long prompt = timedRefusal();
            assertTrue(prompt < EarlyRefusal.PACE.toNanos(), "answered at once: " + prompt + " ns");
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Callable<Long>> burst = new ArrayList<>();
                for (int i = 0; i < 2 * EarlyRefusal.PROMPT_REFUSALS_PER_SECOND; i++) {
                    burst.add(this::timedRefusal);
                }
                long paced = 0;
                for (Future<Long> refusal : clients.invokeAll(burst)) {
                    paced += refusal.get() >= EarlyRefusal.PACE.toNanos() ? 1 : 0;
                }
                assertTrue(paced > 0, "a burst of refusals to one address is paced");
            } finally {
                clients.shutdown();
            }
            assertEquals(decodes, count("boxserve.detect.decode"), "nothing refused was decoded");
        } finally {
            held.forEach(WorkerPool.Admission::close);
        }
        assertEquals(200, http.post(DETECT, "image/jpeg", image("photo.jpg")).statusCode(),
                "admitted once a place is free");
        assertEquals(decodes + 1, count("boxserve.detect.decode"));
    }

    @Test
    void aDeadlineThePredictedWaitWouldPassIsRefusedAtTheDoorWithoutDecoding() throws Exception {
        assertEquals(200, http.post(DETECT + "?timeout=60000", "image/png", image("photo.png")).statusCode(),
                "a deadline that can be met");
        double decodes = count("boxserve.detect.decode");
        HttpResponse<String> late = http.post(DETECT + "?timeout=1", "image/jpeg", image("photo.jpg"));
        assertProblem(late, 503);
        JsonNode problem = json(late);
        assertEquals("urn:boxserve:problem:deadline-unmeetable", problem.path("type").asText());
        assertTrue(problem.path("detail").asText().matches(".* would answer in about \\d+ ms \\(0 ahead, \\d+ ms "
                + "each\\), past the request's deadline in [01] ms"), problem.path("detail").asText());
        assertTrue(late.headers().firstValue("Retry-After").isPresent());
        assertProblem(http.send("POST", DETECT, "image/jpeg", image("photo.jpg"), Map.of("Request-Timeout", "1")), 503);
        assertEquals(decodes, count("boxserve.detect.decode"), "nothing refused was decoded");
        HttpResponse<String> malformed = http.post(DETECT + "?timeout=soon", "image/jpeg", image("photo.jpg"));
        assertProblem(malformed, 400);
        assertTrue(json(malformed).path("detail").asText().contains("the timeout parameter must be a whole number"));
    }

    @Test
    void aQueuedRequestWhoseClientLeftOrWhoseDeadlinePassedNeverRuns() throws Exception {
        ServedModel model = registry.get(TestModels.FAST);
        byte[] photo = image("photo.jpg");
        assertEquals(400, http.send("POST", DETECT, "image/jpeg", photo, Map.of("Request-Priority", "urgent")).statusCode());
        Map<String, Double> before = requestCounts();
        long forwardsBefore = model.forwards();
        // three callers of the high class keep the one worker busy: a default request waits behind them
        AtomicBoolean feeding = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        ExecutorService feeders = Executors.newFixedThreadPool(3);
        List<Future<Object>> highCallers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            highCallers.add(feeders.submit(() -> {
                while (feeding.get()) {
                    HttpResponse<String> high = http.send("POST", DETECT, "image/jpeg", photo,
                            Map.of("Request-Priority", "high"));
                    if (high.statusCode() == 200) {
                        served.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        try {
            WorkerPoolTest.waitUntil(() -> served.get() >= 3);
            try (Socket client = new Socket("localhost", port)) {
                OutputStream out = client.getOutputStream();
                out.write(("POST " + DETECT + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/jpeg\r\n"
                        + "Content-Length: " + photo.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(photo);
                out.flush();
            } // closed at once: the request is read, queued, and its client is gone
            WorkerPoolTest.waitUntil(() -> requestCounts().getOrDefault("detect " + TestModels.FAST + " client_closed", 0.0)
                    > before.getOrDefault("detect " + TestModels.FAST + " client_closed", 0.0));
            long queued = System.nanoTime();
            HttpResponse<String> late = http.post(DETECT + "?timeout=1500", "image/jpeg", photo);
            assertProblem(late, 504);
            assertEquals("urn:boxserve:problem:deadline-exceeded", json(late).path("type").asText());
            assertTrue(System.nanoTime() - queued >= Duration.ofMillis(1400).toNanos(), "answered at its deadline");
        } finally {
            feeding.set(false);
            for (Future<Object> feeder : highCallers) {
                feeder.get();
            }
            feeders.shutdown();
        }
        assertEquals(served.get(), model.forwards() - forwardsBefore,
                "a forward for every high request answered, none for the client that left or the late request");
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, "POST " + DETECT + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: image/jpeg\r\nContent-Length: 31457280\r\n\r\n");
        assertEquals(413, answer.status(), answer.toString());
        assertEquals("application/problem+json", answer.header("Content-Type"));
        assertTrue(answer.body().contains("image-too-large"), answer.toString());
    }

    @Test
    void theRequestCountersEqualAKnownMixOfRequests() throws Exception {
        Map<String, Double> before = requestCounts();
        http.post(DETECT, "image/jpeg", image("photo.jpg"));                             // success
        http.post(DETECT, "image/png", image("photo.png"));                              // success
        http.postMultipart(DETECT, List.of(image("photo.jpg"), image("photo.png")));     // success, two images
        http.post(DETECT + "?threshold=-3", "image/png", image("photo.png"));            // rejected: a bad parameter
        http.post(DETECT, "image/jpeg", image("truncated.jpg"));                         // rejected: a damaged image
        http.postMultipart(DETECT, List.of());                                           // rejected: no image part
        http.post("/v1/models/no_such_model/detect", "image/png", image("photo.png"));   // rejected, model unknown
        http.post("/v1/models/" + TestModels.BROKEN + "/detect", "image/png", image("photo.png")); // unavailable: FAILED
        List<WorkerPool<DetectionInput, DetectionResult>.Admission> held = holdEveryPlace();
        try {
            http.post(DETECT, "image/png", image("photo.png"));                          // overloaded
        } finally {
            held.forEach(WorkerPool.Admission::close);
        }
        http.post("/v1/training/examples/autograd", "application/json", new byte[0]);     // training success
        http.post("/v1/autograd/derivative", "application/json", "{\"expression\": \"x +\", \"x\": [1]}".getBytes()); // rejected
        http.post("/v1/tensors/pool", "application/json", "{\"input\": [[1, 2], [3, 4]], \"kernel\": [2]}".getBytes()); // success

        Map<String, Double> after = requestCounts();
        Map<String, Double> counted = new java.util.TreeMap<>();
        after.forEach((key, value) -> {
            double delta = value - before.getOrDefault(key, 0.0);
            if (delta != 0) {
                counted.put(key, delta);
            }
        });
        Map<String, Double> expected = new java.util.TreeMap<>(Map.of(
                "detect " + TestModels.FAST + " success", 3.0,
                "detect " + TestModels.FAST + " rejected", 3.0,
                "detect unknown rejected", 1.0,
                "detect " + TestModels.BROKEN + " unavailable", 1.0,
                "detect " + TestModels.FAST + " overloaded", 1.0,
                "training derivative success", 1.0,
                "training derivative rejected", 1.0,
                "training pool success", 1.0,
                "images " + TestModels.FAST, 4.0));
        assertEquals(expected, counted);
    }

    /** How long a refused request took, in nanoseconds (refused: every place is taken). */
    private long timedRefusal() throws Exception {
        long sent = System.nanoTime();
        assertEquals(503, http.post(DETECT, "image/jpeg", image("photo.jpg")).statusCode());
        return System.nanoTime() - sent;
    }

    /** Takes every place in the fast model's pool, as requests being decoded or queued would. */
    private List<WorkerPool<DetectionInput, DetectionResult>.Admission> holdEveryPlace() {
        List<WorkerPool<DetectionInput, DetectionResult>.Admission> held = new ArrayList<>();
        ServedModel model = registry.get(TestModels.FAST);
        try {
            while (held.size() < 10) {
                held.add(model.admit());
            }
        } catch (ServiceFailure full) {
            assertEquals(FailureKind.OVERLOADED, full.kind());
            return held;
        }
        throw new AssertionError("ten places in a pool of one worker and a queue of two");
    }

    /** Every request and image counter, by what it counts: "detect MODEL OUTCOME", "training KIND OUTCOME", "images MODEL". */
    private Map<String, Double> requestCounts() {
        Map<String, Double> counts = new java.util.HashMap<>();
        meters.find("boxserve.detect.requests").counters().forEach(c -> counts.merge(
                "detect " + c.getId().getTag("model") + " " + c.getId().getTag("outcome"), c.count(), Double::sum));
        meters.find("boxserve.training.requests").counters().forEach(c -> counts.merge(
                "training " + c.getId().getTag("kind") + " " + c.getId().getTag("outcome"), c.count(), Double::sum));
        meters.find("boxserve.detect.images").counters().forEach(c -> counts.merge(
                "images " + c.getId().getTag("model"), c.count(), Double::sum));
        return counts;
    }

    private double count(String timer) {
        io.micrometer.core.instrument.Timer found = meters.find(timer).tag("model", TestModels.FAST).timer();
        return found == null ? 0 : found.count();
    }

    // ---------------------------------------------------------------- helpers

    private void assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode problem = json(response);
        assertEquals(status, problem.path("status").asInt());
        assertNotNull(problem.path("title").asText(null));
        assertFalse(problem.path("detail").asText().isEmpty());
    }

    private static JsonNode find(JsonNode models, String name) {
        for (JsonNode model : models) {
            if (name.equals(model.path("name").asText())) {
                return model;
            }
        }
        throw new AssertionError(name + " not listed: " + models);
    }

    private static byte[] image(String name) {
        return TestImages.resource(name);
    }
}
