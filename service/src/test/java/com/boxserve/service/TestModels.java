package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Models for service tests: the fastest exported model, linked from {@code -Dmodels.dir}, a copy
 * of another whose TorchScript file is truncated (so one model fails to load while the other
 * serves), and the checks tests make of a running service's models.
 */
public final class TestModels {

    public static final String FAST = "fasterrcnn_mobilenet_v3_large_320_fpn";
    public static final String BROKEN = "fasterrcnn_mobilenet_v3_large_fpn";

    private TestModels() {
    }

    /** A fresh empty models directory, for a service that serves nothing. */
    public static String none() {
        try {
            return Files.createTempDirectory("no-models").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path exported() {
        Path root = Path.of(System.getProperty("models.dir", "../build/models"));
        if (!Files.isRegularFile(root.resolve(FAST).resolve("detector.json"))) {
            String reason = "no exported models at " + root.toAbsolutePath() + ": run bin/export-test-models";
            if (Boolean.getBoolean("models.required")) {
                fail(reason);
            }
            abort(reason);
        }
        return root;
    }

    /** Waits until readiness answers 200 (every required model READY; 503 before), three minutes at most. */
    public static void awaitReadiness(String baseUrl) throws Exception {
        ServiceHttp http = new ServiceHttp(baseUrl);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (http.get("/actuator/health/readiness").statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(baseUrl + " never became ready");
    }

    /**
     * Two JSON detection lists are the same, compared as numbers (JavaScript writes 320.0 as 320):
     * labels and ids exactly, scores and box corners within the tolerances.
     */
    public static void assertSameDetections(JsonNode expected, JsonNode actual, double scoreTolerance,
            double boxTolerance) {
        assertEquals(expected.size(), actual.size(), "detection count");
        for (int i = 0; i < expected.size(); i++) {
            JsonNode want = expected.get(i);
            JsonNode got = actual.get(i);
            assertEquals(want.path("label").asText(), got.path("label").asText(), "detection " + i);
            assertEquals(want.path("categoryId").asInt(), got.path("categoryId").asInt(), "detection " + i);
            assertEquals(want.path("score").asDouble(), got.path("score").asDouble(), scoreTolerance, "detection " + i);
            for (String corner : new String[] {"x1", "y1", "x2", "y2"}) {
                assertEquals(want.path("box").path(corner).asDouble(), got.path("box").path(corner).asDouble(),
                        boxTolerance, "detection " + i + " " + corner);
            }
        }
    }

    /**
     * The detect tests' service: {@link #FAST} on PyTorch, the one model readiness waits for, with one
     * worker and a queue of two, beside a broken {@link #BROKEN}.
     */
    public static void fastBesideBroken(DynamicPropertyRegistry registry) {
        Path models = withOneBroken();
        registry.add("boxserve.models.directory", models::toString);
        registry.add("boxserve.models.include", () -> FAST + "," + BROKEN);
        registry.add("boxserve.models.required", () -> FAST);
        registry.add("boxserve.models.engine", () -> "pytorch");
        registry.add("boxserve.models.workers", () -> "1");
        registry.add("boxserve.models.queue-capacity", () -> "2");
    }

    /** A fresh directory holding {@link #FAST} and a broken {@link #BROKEN}. */
    public static Path withOneBroken() {
        Path exported = exported();
        try {
            Path dir = Files.createTempDirectory("boxserve-models");
            Files.createSymbolicLink(dir.resolve(FAST), exported.resolve(FAST).toAbsolutePath());
            Path broken = Files.createDirectories(dir.resolve(BROKEN));
            try (Stream<Path> files = Files.list(exported.resolve(BROKEN))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.createSymbolicLink(broken.resolve(file.getFileName()), file.toAbsolutePath());
                }
            }
            Path pt = broken.resolve(BROKEN + ".pt");
            Files.delete(pt);
            Files.write(pt, "PK\u0003\u0004 not really a TorchScript archive".getBytes());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
