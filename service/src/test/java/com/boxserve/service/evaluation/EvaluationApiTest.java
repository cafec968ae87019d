package com.boxserve.service.evaluation;

import static com.boxserve.service.ServiceHttp.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.RawHttp;
import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestImages;
import com.boxserve.service.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Evaluation jobs as a user runs them: labelled images up as a zip, as parts, or a folder under
 * the data root; the job followed to its figures; its detections downloaded and scored again by
 * {@code /v1/evaluations/score} to the same figures; faults in the data named; jobs cancelled,
 * removed, and kept on disk.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class EvaluationApiTest {

    private static final String[] IMAGES = {"photo.png", "photo.jpg", "gray.png"};
    private static final Path JOBS = temporary("evaluations");
    private static final Path DATA_ROOT = temporary("data-root");
    private static final String CUT = "cut0by0stop0";

    @LocalServerPort
    int port;
    @Autowired
    EvaluationStore store;
    private ServiceHttp http;

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) throws IOException {
        TestModels.fastBesideBroken(registry);
        jobCutByAStop();
        registry.add("boxserve.evaluation.directory", JOBS::toString);
        registry.add("boxserve.evaluation.data-root", DATA_ROOT::toString);
    }

    @BeforeEach
    void connectAndAwaitReady() throws Exception {
        http = new ServiceHttp(port);
        TestModels.awaitReadiness("http://localhost:" + port);
    }

    @Test
    void aJobFindsWhatDetectFindsAndScoresItsDetectionsAsScoreDoes() throws Exception {
        Map<String, JsonNode> detected = new LinkedHashMap<>();
        for (String image : IMAGES) {
            detected.put(image, json(http.post("/v1/models/" + TestModels.FAST + "/detect", "application/octet-stream",
                    TestImages.resource(image))).path("detections"));
        }
        ObjectNode truth = groundTruthFrom(detected);
        HttpResponse<String> accepted = http.post("/v1/evaluations", "application/zip", CocoSets.zip(truth, IMAGES));
        assertEquals(202, accepted.statusCode(), accepted.body());
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode job = json(accepted);
        assertEquals("/v1/evaluations/" + job.path("id").asText(), location);
        assertEquals(List.of(TestModels.FAST), job.path("models").findValuesAsText("model"),
                "every READY model (the broken one is FAILED)");

        JsonNode done = awaitEnd(location);
        assertEquals("DONE", done.path("status").asText(), done.toString());
        JsonNode run = done.path("models").get(0);
        assertEquals(3, run.path("imagesDone").asInt());
        JsonNode result = run.path("result");
        assertTrue(result.path("weights").path("random").asBoolean(), "random weights are flagged");
        assertEquals("PyTorch", result.path("engine").asText());
        assertTrue(result.path("latencyMs").path("p50").asDouble() > 0);
        assertTrue(result.path("latencyMs").path("p90").asDouble() >= result.path("latencyMs").path("p50").asDouble());
        assertEquals(12, result.path("figures").path("stats").size());
        // the ground truth is what detect found above 0.5, so the model finds at least that much of it
        assertTrue(result.path("figures").path("stats").path("AP50").asDouble() > 0.5, result.toString());

        HttpResponse<String> download = http.get(location + "/detections/" + TestModels.FAST);
        assertEquals(200, download.statusCode(), download.body());
        JsonNode downloaded = json(download);
        for (int i = 0; i < IMAGES.length; i++) {
            int imageId = i + 1;
            List<JsonNode> mine = new ArrayList<>();
            downloaded.forEach(d -> {
                if (d.path("image_id").asInt() == imageId) {
                    mine.add(d);
                }
            });
            JsonNode expected = detected.get(IMAGES[i]);
            assertEquals(expected.size(), mine.size(), "detections of " + IMAGES[i]);
            for (int k = 0; k < mine.size(); k++) {
                assertEquals(expected.get(k).path("score").asDouble(), mine.get(k).path("score").asDouble(), 1e-6);
                assertEquals(expected.get(k).path("box").path("x1").asDouble(), mine.get(k).path("bbox").get(0)
                        .asDouble(), 1e-3);
            }
        }

        JsonNode rescored = json(http.postParts("/v1/evaluations/score", List.of(
                new RawHttp.Part("groundTruth", "instances.json", "application/json", CocoSets.bytes(truth)),
                new RawHttp.Part("detections", "detections.json", "application/json",
                        download.body().getBytes(StandardCharsets.UTF_8)))));
        assertEquals(result.path("figures"), rescored, "the job's figures are exactly those of its own detections");

        String metrics = http.get("/actuator/prometheus").body();
        assertTrue(metrics.contains("boxserve_evaluation_images_total{application=\"boxserve\",model=\""
                + TestModels.FAST + "\"}"), "images counted by model");
        assertTrue(metrics.contains("boxserve_evaluation_jobs{application=\"boxserve\",status=\"done\"}"));

        String id = job.path("id").asText();
        assertEquals(done, ServiceHttp.JSON.readTree(JOBS.resolve(id).resolve("job.json").toFile()),
                "the job on disk is the job the service answers");
        EvaluationView reloaded = store.load().stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
        assertEquals(result.path("figures").path("stats").path("AP").asDouble(),
                reloaded.models().get(0).result().figures().stats().get("AP"), "and reads back, for after a restart");
    }

    @Test
    void aFolderUnderTheDataRootIsEvaluatedWithItsCategoriesMapped() throws Exception {
        Path folder = Files.createDirectories(DATA_ROOT.resolve("street/annotations"));
        Files.createDirectories(DATA_ROOT.resolve("street/val"));
        Files.write(DATA_ROOT.resolve("street/val/photo.png"), TestImages.resource("photo.png"));
        ObjectNode truth = CocoSets.instances(new String[] {"photo.png"}, "pedestrian");
        truth.withArray("annotations").add(CocoSets.annotation(1, 1, 1, 10, 10, 100, 150));
        Files.write(folder.resolve("instances_val.json"), CocoSets.bytes(truth));

        HttpResponse<String> accepted = http.sendJson("POST", "/v1/evaluations", Map.of("directory", "street",
                "models", List.of(TestModels.FAST), "categoryMapping", Map.of("pedestrian", "person")));
        assertEquals(202, accepted.statusCode(), accepted.body());
        JsonNode done = awaitEnd(accepted.headers().firstValue("Location").orElseThrow());
        assertEquals("DONE", done.path("status").asText(), done.toString());
        assertEquals("street", done.path("directory").asText());
        assertEquals(0, done.path("unmappedCategories").size());
        assertEquals("pedestrian", done.path("models").get(0).path("result").path("figures").path("perCategory")
                .get(0).path("name").asText());

        assertProblem(http.sendJson("POST", "/v1/evaluations", Map.of("directory", "../evaluations")), 400,
                "outside the dataset's folder");
        assertProblem(http.sendJson("POST", "/v1/evaluations", Map.of("directory", "street", "categoryMapping",
                Map.of("pedestrian", "pedestrian"))), 400, "maps 'pedestrian' to 'pedestrian', which is not a COCO");
        assertProblem(http.sendJson("POST", "/v1/evaluations", Map.of("directory", "street", "models",
                List.of("resnet"))), 404, "resnet");
    }

    @Test
    void faultsInTheDataAreNamed() throws Exception {
        ObjectNode missing = CocoSets.instances(new String[] {"photo.png", "missing.jpg"}, "person");
        assertProblem(http.postParts("/v1/evaluations", List.of(
                new RawHttp.Part("instances", "instances.json", "application/json", CocoSets.bytes(missing)),
                new RawHttp.Part("images", "photo.png", "image/png", TestImages.resource("photo.png")))),
                400, "images[1] (id 2): the file 'missing.jpg' is not in the dataset");

        ObjectNode outside = CocoSets.instances(new String[] {"photo.png"}, "person");
        outside.withArray("annotations").add(CocoSets.annotation(7, 1, 1, 300, 10, 40, 20));
        assertProblem(http.post("/v1/evaluations", "application/zip", CocoSets.zip(outside, "photo.png")), 400,
                "annotations[0] (id 7): bbox [300, 10, 40, 20] lies outside image 1 (320×240)");

        ObjectNode unknownCategory = CocoSets.instances(new String[] {"photo.png"}, "person");
        unknownCategory.withArray("annotations").add(CocoSets.annotation(7, 1, 5, 1, 1, 4, 4));
        assertProblem(http.post("/v1/evaluations", "application/zip", CocoSets.zip(unknownCategory, "photo.png")), 400,
                "unknown category id 5");

        ByteArrayOutputStream evil = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(evil)) {
            out.putNextEntry(new ZipEntry("../../escape.json"));
            out.write("{}".getBytes(StandardCharsets.UTF_8));
        }
        assertProblem(http.post("/v1/evaluations", "application/zip", evil.toByteArray()), 400,
                "would land outside the dataset's folder");
        assertProblem(http.post("/v1/evaluations", "application/zip", "not a zip".getBytes(StandardCharsets.UTF_8)),
                400, "not a zip");
        ByteArrayOutputStream clash = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(clash)) {
            out.putNextEntry(new ZipEntry("images"));
            out.write(1);
            out.putNextEntry(new ZipEntry("images/photo.png"));
            out.write(TestImages.resource("photo.png"));
        }
        assertProblem(http.post("/v1/evaluations", "application/zip", clash.toByteArray()), 400,
                "the zip's entry 'images/photo.png' cannot be unpacked");

        // what only reading the image shows fails the job, naming the image
        ObjectNode wrongSize = CocoSets.instances(new String[] {"photo.png"}, "person");
        ((ObjectNode) wrongSize.withArray("images").get(0)).put("width", 640);
        HttpResponse<String> accepted = http.post("/v1/evaluations", "application/zip", CocoSets.zip(wrongSize, "photo.png"));
        assertEquals(202, accepted.statusCode(), accepted.body());
        JsonNode failed = awaitEnd(accepted.headers().firstValue("Location").orElseThrow());
        assertEquals("FAILED", failed.path("status").asText());
        assertEquals("image 1 ('photo.png') is 320×240 (upright), but the annotations say 640×240",
                failed.path("failure").asText());
        assertEquals(0, Files.list(JOBS).filter(job -> !Files.exists(job.resolve("job.json"))).count(),
                "refused uploads leave nothing behind");
    }

    @Test
    void aJobIsCancelledThenRemoved() throws Exception {
        String[] many = new String[40];
        java.util.Arrays.fill(many, "photo.png");
        ObjectNode truth = CocoSets.instances(many, "person");
        HttpResponse<String> accepted = http.post("/v1/evaluations", "application/zip", CocoSets.zip(truth, "photo.png"));
        assertEquals(202, accepted.statusCode(), accepted.body());
        String location = accepted.headers().firstValue("Location").orElseThrow();
        JsonNode cancelled = json(http.send("DELETE", location, null, null, Map.of()));
        assertEquals("CANCELLED", cancelled.path("status").asText());
        Thread.sleep(500);
        JsonNode later = json(http.get(location));
        assertEquals("CANCELLED", later.path("status").asText(), "it stays cancelled");
        assertTrue(later.path("models").get(0).path("imagesDone").asInt() < 40, later.toString());
        assertProblem(http.get(location + "/detections/" + TestModels.FAST), 409, "has not finished");
        assertEquals(204, http.send("DELETE", location, null, null, Map.of()).statusCode());
        assertProblem(http.get(location), 404, "no evaluation job has id");
        assertTrue(Files.notExists(JOBS.resolve(later.path("id").asText())), "its data is gone");
    }

    @Test
    void aJobCutByAStopRunsAgainWhenTheServiceIsBack() throws Exception {
        JsonNode job = awaitEnd("/v1/evaluations/" + CUT);
        assertEquals("DONE", job.path("status").asText(), job.toString());
        assertEquals(1, job.path("models").get(0).path("imagesDone").asInt());
    }

    /** What a stop leaves on disk mid-job: the job RUNNING, a model part way. */
    private static void jobCutByAStop() throws IOException {
        Path dataset = Files.createDirectories(JOBS.resolve(CUT).resolve("dataset"));
        Files.write(dataset.resolve("instances.json"), CocoSets.bytes(CocoSets.instances(new String[] {"photo.png"},
                "person")));
        Files.write(dataset.resolve("photo.png"), TestImages.resource("photo.png"));
        Files.writeString(JOBS.resolve(CUT).resolve("job.json"), ("{'id': '" + CUT + "', 'status': 'RUNNING', "
                + "'created': '2026-01-01T00:00:00Z', 'started': '2026-01-01T00:00:01Z', 'images': 1, "
                + "'categoryMapping': {}, 'unmappedCategories': [], 'models': [{'model': '" + TestModels.FAST
                + "', 'status': 'RUNNING', 'imagesDone': 0, 'imagesTotal': 1, 'elapsedMs': 5}]}").replace('\'', '"'));
    }

    private JsonNode awaitEnd(String location) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode job = json(http.get(location));
            if (List.of("DONE", "FAILED", "CANCELLED").contains(job.path("status").asText())) {
                return job;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(location + " never ended");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(json(response).path("detail").asText().contains(detail), response.body());
    }

    /** Ground truth made of what detect found scoring above 0.5, one category per label. */
    private static ObjectNode groundTruthFrom(Map<String, JsonNode> detected) {
        List<String> labels = new ArrayList<>();
        detected.values().forEach(list -> list.forEach(d -> {
            if (!labels.contains(d.path("label").asText())) {
                labels.add(d.path("label").asText());
            }
        }));
        ObjectNode truth = CocoSets.instances(detected.keySet().toArray(String[]::new), labels.toArray(String[]::new));
        int image = 0;
        int id = 0;
        for (JsonNode list : detected.values()) {
            image++;
            for (JsonNode d : list) {
                if (d.path("score").asDouble() > 0.5) {
                    JsonNode box = d.path("box");
                    truth.withArray("annotations").add(CocoSets.annotation(++id, image, labels.indexOf(d.path("label").asText())
                            + 1, box.path("x1").asDouble(), box.path("y1").asDouble(), box.path("x2").asDouble()
                            - box.path("x1").asDouble(), box.path("y2").asDouble() - box.path("y1").asDouble()));
                }
            }
        }
        assertTrue(id > 0, "some ground truth to find");
        return truth;
    }

    private static Path temporary(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
