package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.zoo.precision.CpuFeatures;
import com.boxserve.zoo.precision.Int8Export;
import com.boxserve.zoo.precision.Precision;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A model switched to int8 at runtime and back: served with its precision and measured agreement
 * in /v1/models and in every answer, on a CPU with VNNI; refused with a 400 naming what is missing
 * (the instruction set, the int8 model, an engine that runs it) before anything is loaded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrecisionApiTest {

    private static final String WITHOUT_INT8 = "fasterrcnn_mobilenet_v3_large_fpn";
    private static final String MODEL = "/v1/models/" + TestModels.FAST;

    @LocalServerPort
    int port;
    private ServiceHttp http;

    /** FAST copied with an int8 model made from its reference images; the other model as exported, without one. */
    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) throws Exception {
        Path exported = TestModels.exported();
        Path dir = Files.createTempDirectory("boxserve-precision");
        Path fast = Files.createDirectories(dir.resolve(TestModels.FAST));
        try (Stream<Path> files = Files.list(exported.resolve(TestModels.FAST))) {
            for (Path file : files.toList()) {
                // the model files are read only: links; detector.json is rewritten by the export: a copy
                if (file.getFileName().toString().equals("detector.json")) {
                    Files.copy(file, fast.resolve("detector.json"));
                } else {
                    Files.createSymbolicLink(fast.resolve(file.getFileName()), file.toAbsolutePath());
                }
            }
        }
        Int8Export.export(fast, Int8Export.images(fast.resolve("references")), new Int8Export.Tools(
                System.getenv().getOrDefault("PYTHON", "/usr/bin/python3"), Path.of("../model-zoo/exporter")));
        Files.createSymbolicLink(dir.resolve(WITHOUT_INT8), exported.resolve(WITHOUT_INT8).toAbsolutePath());
        registry.add("boxserve.models.directory", dir::toString);
        registry.add("boxserve.models.include", () -> TestModels.FAST);
        registry.add("boxserve.models.engine", () -> "onnxruntime");
        registry.add("boxserve.models.warmup-passes", () -> "1");
    }

    @BeforeEach
    void connect() {
        http = new ServiceHttp(port);
    }

    @Test
    void servesInt8WithItsAgreementWhereTheCpuHasVnniAndGoesBackToFp32() throws Exception {
        http.await(MODEL, m -> "READY".equals(m.path("status").asText()));
        JsonNode fp32 = ServiceHttp.json(http.get(MODEL));
        assertEquals("fp32", fp32.path("precision").asText());
        assertTrue(fp32.path("int8Available").asBoolean(), fp32.toString());
        assertTrue(fp32.path("agreement").isNull());

        HttpResponse<String> put = http.sendJson("PUT", MODEL, "{\"precision\": \"int8\"}");
        Optional<String> missing = CpuFeatures.current().missingFor(Precision.INT8);
        if (missing.isPresent()) {
            assertEquals(400, put.statusCode(), put.body());
            assertTrue(ServiceHttp.json(put).path("detail").asText().contains("VNNI"), put.body());
            return;
        }
        assertEquals(202, put.statusCode(), put.body());
        http.await(MODEL, m -> "int8".equals(m.path("precision").asText()) && "READY".equals(m.path("status").asText())
                && m.path("reload").isNull());
        JsonNode int8 = ServiceHttp.json(http.get(MODEL));
        assertEquals(22, int8.path("agreement").path("images").asInt(), int8.toString());
        assertTrue(int8.path("agreement").path("minFeatureCosine").asDouble() > 0.5, int8.toString());

        HttpResponse<String> detect = http.post(MODEL + "/detect", "image/png", TestImages.resource("photo.png"));
        assertEquals(200, detect.statusCode(), detect.body());
        JsonNode answer = ServiceHttp.json(detect);
        assertEquals("int8", answer.path("model").path("precision").asText());
        String warning = answer.path("warning").asText();
        assertTrue(warning.contains("RANDOM") && warning.contains("int8") && warning.contains("cosine"), warning);

        assertEquals(202, http.sendJson("PUT", MODEL, "{\"precision\": \"fp32\"}").statusCode());
        http.await(MODEL, m -> "fp32".equals(m.path("precision").asText()) && "READY".equals(m.path("status").asText())
                && m.path("reload").isNull());
        JsonNode back = ServiceHttp.json(http.post(MODEL + "/detect", "image/png", TestImages.resource("photo.png")));
        assertEquals("fp32", back.path("model").path("precision").asText());
        assertTrue(!back.path("warning").asText().contains("int8"), back.path("warning").asText());
    }

    @Test
    void refusesWhatCannotRunInt8BeforeLoadingAnything() throws Exception {
        assertRefused("PUT", "/v1/models/" + WITHOUT_INT8, "{\"precision\": \"int8\"}",
                CpuFeatures.current().missingFor(Precision.INT8).map(why -> "VNNI").orElse("bin/quantize"));
        assertRefused("PUT", MODEL, "{\"precision\": \"int8\", \"engine\": \"pytorch\"}", "runs on onnxruntime");
        assertRefused("PUT", MODEL, "{\"precision\": \"bf16\"}", "not offered");
        assertEquals(404, http.get("/v1/models/" + WITHOUT_INT8).statusCode(), "nothing was loaded");
    }

    private void assertRefused(String method, String path, String body, String why) throws Exception {
        HttpResponse<String> response = http.sendJson(method, path, body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(ServiceHttp.json(response).path("detail").asText().contains(why), response.body());
    }
}
