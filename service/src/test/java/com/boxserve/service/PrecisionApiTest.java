package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.zoo.precision.Bf16Export;
import com.boxserve.zoo.precision.CpuFeatures;
import com.boxserve.zoo.precision.ExporterTools;
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
 * A model switched to int8 and to bf16 at runtime and back: served with its precision and measured
 * agreement in /v1/models and in every answer, on a CPU with the dot products it needs; refused with
 * a 400 naming what is missing (the instruction set, the export's model at that precision, the
 * engine that runs it) before anything is loaded.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PrecisionApiTest {

    private static final String WITHOUT_REDUCED = "fasterrcnn_mobilenet_v3_large_fpn";
    private static final String MODEL = "/v1/models/" + TestModels.FAST;

    @LocalServerPort
    int port;
    private ServiceHttp http;

    /** FAST copied with an int8 model made from its reference images and a bf16 model; the other model as exported. */
    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) throws Exception {
        Path exported = TestModels.exported();
        Path dir = Files.createTempDirectory("boxserve-precision");
        Path fast = Files.createDirectories(dir.resolve(TestModels.FAST));
        try (Stream<Path> files = Files.list(exported.resolve(TestModels.FAST))) {
            for (Path file : files.toList()) {
                // the model files are read only: links; detector.json is rewritten by the exports: a copy
                if (file.getFileName().toString().equals("detector.json")) {
                    Files.copy(file, fast.resolve("detector.json"));
                } else {
                    Files.createSymbolicLink(fast.resolve(file.getFileName()), file.toAbsolutePath());
                }
            }
        }
        ExporterTools tools = ExporterTools.at(Path.of("../model-zoo/exporter"));
        Int8Export.export(fast, Int8Export.images(fast.resolve("references")), tools);
        Bf16Export.export(fast, tools);
        Files.createSymbolicLink(dir.resolve(WITHOUT_REDUCED), exported.resolve(WITHOUT_REDUCED).toAbsolutePath());
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
        servesAndGoesBackToFp32(Precision.INT8, "{\"precision\": \"int8\"}", "VNNI", 0.5);
    }

    @Test
    void servesBf16WithItsAgreementWhereTheCpuHasBf16DotProductsAndGoesBackToFp32() throws Exception {
        servesAndGoesBackToFp32(Precision.BF16, "{\"precision\": \"bf16\", \"engine\": \"pytorch\"}",
                "bf16 dot products", 0.9);
    }

    @Test
    void refusesWhatCannotRunAReducedPrecisionBeforeLoadingAnything() throws Exception {
        assertRefused("/v1/models/" + WITHOUT_REDUCED, "{\"precision\": \"int8\"}",
                CpuFeatures.current().missingFor(Precision.INT8).map(why -> "VNNI").orElse("bin/quantize"));
        assertRefused("/v1/models/" + WITHOUT_REDUCED, "{\"precision\": \"bf16\", \"engine\": \"pytorch\"}",
                CpuFeatures.current().missingFor(Precision.BF16).map(why -> "bf16 dot products")
                        .orElse("bin/quantize --bf16"));
        assertRefused(MODEL, "{\"precision\": \"int8\", \"engine\": \"pytorch\"}", "int8 runs on onnxruntime");
        assertRefused(MODEL, "{\"precision\": \"bf16\"}", "bf16 runs on pytorch, not onnxruntime");
        assertRefused(MODEL, "{\"precision\": \"fp8\"}", "use fp32, int8 or bf16");
        assertEquals(404, http.get("/v1/models/" + WITHOUT_REDUCED).statusCode(), "nothing was loaded");
    }

    /** FAST at a reduced precision where this CPU runs it (a 400 naming what it lacks elsewhere), then at fp32 again. */
    private void servesAndGoesBackToFp32(Precision precision, String settings, String missingWords, double cosineFloor)
            throws Exception {
        http.await(MODEL, m -> "READY".equals(m.path("status").asText()) && m.path("reload").isNull());
        JsonNode fp32 = ServiceHttp.json(http.get(MODEL));
        assertEquals("fp32", fp32.path("precision").asText(), fp32.toString());
        assertTrue(fp32.path("agreement").isNull(), fp32.toString());
        assertTrue(fp32.path(precision.label() + "Available").asBoolean(), fp32.toString());

        HttpResponse<String> put = http.sendJson("PUT", MODEL, settings);
        Optional<String> missing = CpuFeatures.current().missingFor(precision);
        if (missing.isPresent()) {
            assertEquals(400, put.statusCode(), put.body());
            assertTrue(ServiceHttp.json(put).path("detail").asText().contains(missingWords), put.body());
            return;
        }
        assertEquals(202, put.statusCode(), put.body());
        http.await(MODEL, m -> precision.label().equals(m.path("precision").asText())
                && "READY".equals(m.path("status").asText()) && m.path("reload").isNull());
        JsonNode reduced = ServiceHttp.json(http.get(MODEL));
        assertEquals(22, reduced.path("agreement").path("images").asInt(), reduced.toString());
        assertTrue(reduced.path("agreement").path("minFeatureCosine").asDouble() > cosineFloor, reduced.toString());
        assertEquals(precision.engine().orElseThrow().djlName(), reduced.path("engine").asText(), reduced.toString());

        HttpResponse<String> detect = http.post(MODEL + "/detect", "image/png", TestImages.resource("photo.png"));
        assertEquals(200, detect.statusCode(), detect.body());
        JsonNode answer = ServiceHttp.json(detect);
        assertEquals(precision.label(), answer.path("model").path("precision").asText());
        String warning = answer.path("warning").asText();
        assertTrue(warning.contains("RANDOM") && warning.contains(precision.label()) && warning.contains("cosine"),
                warning);

        assertEquals(202, http.sendJson("PUT", MODEL, "{\"precision\": \"fp32\", \"engine\": \"onnxruntime\"}")
                .statusCode());
        http.await(MODEL, m -> "fp32".equals(m.path("precision").asText()) && "READY".equals(m.path("status").asText())
                && m.path("reload").isNull());
        JsonNode back = ServiceHttp.json(http.post(MODEL + "/detect", "image/png", TestImages.resource("photo.png")));
        assertEquals("fp32", back.path("model").path("precision").asText());
        assertTrue(ServiceHttp.json(http.get(MODEL)).path("agreement").isNull(), "no agreement at fp32");
        assertTrue(!back.path("warning").asText().contains(precision.label()), back.path("warning").asText());
    }

    private void assertRefused(String path, String body, String why) throws Exception {
        HttpResponse<String> response = http.sendJson("PUT", path, body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(ServiceHttp.json(response).path("detail").asText().contains(why), response.body());
    }
}
