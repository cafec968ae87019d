package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code engine: auto}, the default: the first start on a machine times both engines and serves
 * on the faster, and says so; the next start reuses the choice without measuring; an explicit
 * engine is what it says.
 */
class EngineChoiceTest {

    @TempDir
    Path temp;

    @Test
    void measuresOnceServesTheFasterAndReusesTheChoice() throws Exception {
        Path choices = temp.resolve("engine-choices.json");
        JsonNode first = servedModel("--boxserve.models.engine-choices=" + choices);
        JsonNode choice = first.path("engineChoice");
        double pytorch = choice.path("pytorchMillis").asDouble();
        double onnx = choice.path("onnxRuntimeMillis").asDouble();
        assertTrue(pytorch > 0 && onnx > 0, "both engines measured: " + choice);
        assertFalse(choice.path("cached").asBoolean());
        assertTrue(choice.path("reason").asText().contains("within the parity rules"), choice.toString());
        assertEquals(onnx < pytorch ? "OnnxRuntime" : "PyTorch", first.path("engine").asText(), "the faster serves: " + choice);
        assertTrue(Files.readString(choices).contains(TestModels.FAST), "the choice is kept");

        JsonNode second = servedModel("--boxserve.models.engine-choices=" + choices);
        assertTrue(second.path("engineChoice").path("cached").asBoolean(), "a restart reuses it: " + second);
        assertEquals(first.path("engine"), second.path("engine"));
        assertEquals(choice.path("measuredAt"), second.path("engineChoice").path("measuredAt"), "and measures nothing");
    }

    @Test
    void anExplicitEngineWins() throws Exception {
        JsonNode model = servedModel("--boxserve.models.engine-choices=" + temp.resolve("unused.json"),
                "--boxserve.models.per-model." + TestModels.FAST + ".engine=pytorch");
        assertEquals("PyTorch", model.path("engine").asText());
        assertTrue(model.path("engineChoice").isNull(), model.toString());
        assertFalse(Files.exists(temp.resolve("unused.json")), "nothing measured, nothing kept");
    }

    /** Starts the service on the fast model with these arguments, reads its /v1/models entry once READY, stops it. */
    private static JsonNode servedModel(String... arguments) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--boxserve.models.directory=" + TestModels.exported(),
                "--boxserve.models.include=" + TestModels.FAST, "--boxserve.models.warmup-passes=1"));
        args.addAll(List.of(arguments));
        try (ConfigurableApplicationContext context = SpringApplication.run(BoxserveApplication.class, args.toArray(String[]::new))) {
            String base = "http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort();
            TestModels.awaitReadiness(base);
            return ServiceHttp.json(new ServiceHttp(base).get("/v1/models/" + TestModels.FAST));
        }
    }
}
