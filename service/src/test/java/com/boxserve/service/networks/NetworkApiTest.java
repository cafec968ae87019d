package com.boxserve.service.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestModels;
import com.boxserve.service.training.Engines;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The network builder over real HTTP on DJL's PyTorch engine: the presets' figures, the module table, the errors. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NetworkApiTest {

    private static final ObjectMapper JSON = ServiceHttp.JSON;

    @LocalServerPort
    int port;
    private ServiceHttp http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
    }

    @BeforeEach
    void connect() {
        http = new ServiceHttp(port);
    }

    @Test
    void theLinearModuleLearnsTheHousePrices() throws Exception {
        JsonNode result = ok(Map.of("preset", "linear-module"));
        assertEquals("Sequential(\n  (0): Linear(in_features=1, out_features=1, bias=True)\n)", result.path("module").asText());
        JsonNode parameters = result.path("layers").get(0).path("parameters");
        assertEquals("0.weight", parameters.get(0).path("name").asText());
        assertEquals(List.of(1, 1), ints(parameters.get(0).path("shape")));
        assertEquals("0.bias", parameters.get(1).path("name").asText());
        assertEquals(List.of(1), ints(parameters.get(1).path("shape")));
        assertEquals(2, result.path("parameterCount").path("total").asInt());
        assertEquals(2.0, result.path("parameters").path("0.weight").path("values").get(0).asDouble(), 1e-3);
        assertEquals(1.0, result.path("parameters").path("0.bias").path("values").get(0).asDouble(), 1e-3);
        assertEquals(11.0, result.path("predictions").get(0).get(0).asDouble(), 1e-2);
        JsonNode history = result.path("history");
        assertEquals(1000, history.size());
        assertTrue(history.get(999).path("loss").asDouble() < history.get(0).path("loss").asDouble() / 1000);
        assertTrue(history.get(0).path("accuracy").isMissingNode(), "a regression has no accuracy");
    }

    @Test
    void theCnnTellsHorizontalFromVerticalBars() throws Exception {
        JsonNode result = ok(Map.of("preset", "cnn-bars"));
        JsonNode last = last(result.path("history"));
        assertTrue(last.path("validationAccuracy").asDouble() >= 0.98, "held-out accuracy " + last);
        assertEquals(80, result.path("validationSamples").asInt());
        JsonNode conv = result.path("layers").get(0).path("parameters");
        assertEquals(List.of(4, 1, 3, 3), ints(conv.get(0).path("shape")));
        assertEquals(List.of(4, 8, 8), ints(result.path("layers").get(0).path("outputShape")));
        assertEquals(List.of(4, 4, 4), ints(result.path("layers").get(2).path("outputShape")));
        assertEquals(List.of(2, 64), ints(result.path("layers").get(4).path("parameters").get(0).path("shape")));
    }

    @Test
    void minPoolingFindsTheDarkQuadrantWhereMaxPoolingCannot() throws Exception {
        JsonNode min = ok(Map.of("preset", "min-pool"));
        assertTrue(last(min.path("history")).path("validationAccuracy").asDouble() >= 0.99, "min pooling: " + last(min.path("history")));
        ObjectNode withMax = JSON.createObjectNode().put("preset", "min-pool");
        withMax.set("layers", JSON.valueToTree(List.of(Map.of("kind", "maxPool2d", "kernelSize", 4), Map.of("kind", "flatten"),
                Map.of("kind", "linear", "outFeatures", 4))));
        double chance = last(ok(withMax).path("history")).path("validationAccuracy").asDouble();
        assertTrue(chance < 0.5, "max pooling sees only bright pixels, so it guesses: " + chance);
    }

    @Test
    void theLstmPredictsTheNextValueOfASineWave() throws Exception {
        JsonNode result = ok(Map.of("preset", "lstm-sine"));
        double held = last(result.path("history")).path("validationLoss").asDouble();
        assertTrue(held < 1e-3, "held-out MSE " + held);
        assertEquals(List.of(64, 1), ints(result.path("layers").get(0).path("parameters").get(0).path("shape")),
                "weight_ih_l0 is [4·hidden, input], PyTorch's gates stacked");
        assertEquals("0.weight_ih_l0", result.path("layers").get(0).path("parameters").get(0).path("name").asText());
    }

    @Test
    void aSeedRepeatsARunExactly() throws Exception {
        JsonNode first = ok(Map.of("preset", "rnn-majority", "epochs", 3));
        JsonNode second = ok(Map.of("preset", "rnn-majority", "epochs", 3));
        assertEquals(first.path("history").toString().replaceAll("\"millis\":[0-9.E-]+", ""),
                second.path("history").toString().replaceAll("\"millis\":[0-9.E-]+", ""));
    }

    @Test
    void aPlainRnnCarriesTheCount() throws Exception {
        JsonNode result = ok(Map.of("preset", "rnn-majority"));
        double accuracy = last(result.path("history")).path("validationAccuracy").asDouble();
        assertTrue(accuracy >= 0.95, "held-out accuracy " + accuracy);
    }

    @Test
    void aTransformerEncoderFindsTheRepeatedToken() throws Exception {
        JsonNode result = ok(Map.of("preset", "transformer-repeat"));
        double accuracy = last(result.path("history")).path("validationAccuracy").asDouble();
        assertTrue(accuracy >= 0.95, "held-out accuracy " + accuracy);
        JsonNode attention = null;
        for (JsonNode parameter : result.path("layers").get(1).path("parameters")) {
            if (parameter.path("name").asText().equals("1.layers.1.self_attn.in_proj_weight")) {
                attention = parameter;
            }
        }
        assertEquals(List.of(96, 32), ints(attention.path("shape")), "the second layer's packed q, k, v projection");
    }

    @Test
    void aDryRunAnswersTheModuleTableWithPytorchNamesAndShapes() throws Exception {
        JsonNode result = ok(Map.of("dryRun", true, "inputShape", List.of(4, 10, 10), "layers", List.of(
                Map.of("kind", "conv2d", "outChannels", 6, "kernelSize", List.of(3, 5), "groups", 2, "stride", 2),
                Map.of("kind", "batchNorm2d", "trainable", false),
                Map.of("kind", "minPool2d", "kernelSize", 2),
                Map.of("kind", "flatten"),
                Map.of("kind", "dropout", "p", 0.25),
                Map.of("kind", "layerNorm"),
                Map.of("kind", "linear", "outFeatures", 3, "bias", false),
                Map.of("kind", "gelu"))));
        assertTrue(result.path("history").isMissingNode(), "a dry run trains nothing");
        JsonNode layers = result.path("layers");
        assertEquals(List.of(6, 2, 3, 5), ints(layers.get(0).path("parameters").get(0).path("shape")));
        assertEquals(List.of(6, 4, 3), ints(layers.get(0).path("outputShape")));
        assertEquals("1.running_mean", layers.get(1).path("buffers").get(0).path("name").asText());
        assertFalse(layers.get(1).path("parameters").get(0).path("trainable").asBoolean());
        assertEquals(List.of(6, 2, 1), ints(layers.get(2).path("outputShape")));
        assertEquals(List.of(12), ints(layers.get(5).path("parameters").get(0).path("shape")));
        assertEquals(List.of(3, 12), ints(layers.get(6).path("parameters").get(0).path("shape")));
        assertEquals(1, layers.get(6).path("parameters").size());
        long conv = 6 * 2 * 3 * 5 + 6;
        long total = conv + 12 + 24 + 36;
        assertEquals(total, result.path("parameterCount").path("total").asLong());
        assertEquals(12, result.path("parameterCount").path("frozen").asLong());
        assertEquals(total - 12, result.path("parameterCount").path("trainable").asLong());
        String module = result.path("module").asText();
        assertTrue(module.contains("(0): Conv2d(4, 6, kernel_size=(3, 5), stride=(2, 2), groups=2)"), module);
        assertTrue(module.contains("(1): BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"), module);
        assertTrue(module.contains("(5): LayerNorm((12,), eps=1e-05, elementwise_affine=True)"), module);
    }

    @Test
    void recurrentLayersNameTheirWeightsAsPytorchDoes() throws Exception {
        JsonNode layers = ok(Map.of("dryRun", true, "inputShape", List.of(12), "layers", List.of(
                Map.of("kind", "embedding", "numEmbeddings", 20, "embeddingDim", 6, "paddingIdx", 0),
                Map.of("kind", "lstm", "hiddenSize", 5, "numLayers", 2, "bidirectional", true, "output", "last"),
                Map.of("kind", "linear", "outFeatures", 2)))).path("layers");
        assertEquals(List.of(12, 6), ints(layers.get(0).path("outputShape")));
        assertEquals(List.of(10), ints(layers.get(1).path("outputShape")), "the last step of both directions");
        Map<String, List<Integer>> lstm = new LinkedHashMap<>();
        layers.get(1).path("parameters").forEach(p -> lstm.put(p.path("name").asText(), ints(p.path("shape"))));
        assertEquals(List.of("1.weight_ih_l0", "1.weight_hh_l0", "1.bias_ih_l0", "1.bias_hh_l0", "1.weight_ih_l0_reverse",
                "1.weight_hh_l0_reverse", "1.bias_ih_l0_reverse", "1.bias_hh_l0_reverse", "1.weight_ih_l1", "1.weight_hh_l1",
                "1.bias_ih_l1", "1.bias_hh_l1", "1.weight_ih_l1_reverse", "1.weight_hh_l1_reverse", "1.bias_ih_l1_reverse",
                "1.bias_hh_l1_reverse"), List.copyOf(lstm.keySet()));
        assertEquals(List.of(20, 6), lstm.get("1.weight_ih_l0"));
        assertEquals(List.of(20, 10), lstm.get("1.weight_ih_l1_reverse"), "layer 1 reads both directions of layer 0");
        assertEquals(List.of(20, 5), lstm.get("1.weight_hh_l1"));
        assertEquals(List.of(20), lstm.get("1.bias_hh_l1_reverse"));
        assertTrue(layers.get(1).path("module").asText().startsWith("LSTM(6, 5, num_layers=2, batch_first=True"));
    }

    @Test
    void aTransformerEncoderNamesItsWeightsAsPytorchDoes() throws Exception {
        JsonNode layer = ok(Map.of("dryRun", true, "inputShape", List.of(7), "layers", List.of(
                Map.of("kind", "embedding", "numEmbeddings", 20, "embeddingDim", 8, "paddingIdx", 0),
                Map.of("kind", "transformerEncoder", "nhead", 2, "dimFeedforward", 16, "numLayers", 2, "paddingMask", true,
                        "positionEncoding", "learned")))).path("layers").get(1);
        Map<String, List<Integer>> shapes = new LinkedHashMap<>();
        layer.path("parameters").forEach(p -> shapes.put(p.path("name").asText(), ints(p.path("shape"))));
        assertEquals(List.of(7, 8), shapes.get("1.position"));
        assertEquals(List.of(24, 8), shapes.get("1.layers.0.self_attn.in_proj_weight"), "[3·d_model, d_model]");
        assertEquals(List.of(24), shapes.get("1.layers.1.self_attn.in_proj_bias"));
        assertEquals(List.of(8, 8), shapes.get("1.layers.1.self_attn.out_proj.weight"));
        assertEquals(List.of(16, 8), shapes.get("1.layers.0.linear1.weight"));
        assertEquals(List.of(8, 16), shapes.get("1.layers.0.linear2.weight"));
        assertEquals(List.of(8), shapes.get("1.layers.1.norm2.bias"));
        assertEquals(1 + 2 * 12, shapes.size());
        assertEquals(List.of(7, 8), ints(layer.path("outputShape")));
        assertProblem(train(Map.of("dryRun", true, "inputShape", List.of(7, 8), "layers", List.of(
                Map.of("kind", "transformerEncoder", "nhead", 3)))), 400, "dModel 8 must divide into nhead 3 heads");
        assertProblem(train(Map.of("dryRun", true, "inputShape", List.of(7, 8), "layers", List.of(
                Map.of("kind", "transformerEncoder", "nhead", 2, "paddingMask", true)))), 400,
                "layer 0 must be an embedding with a paddingIdx");
    }

    @Test
    void aShapeErrorNamesTheLayerAndBothShapes() throws Exception {
        HttpResponse<String> response = train(Map.of("dryRun", true, "inputShape", List.of(1, 8, 8), "layers", List.of(
                Map.of("kind", "conv2d", "outChannels", 4, "kernelSize", 3),
                Map.of("kind", "maxPool2d", "kernelSize", 2),
                Map.of("kind", "flatten"),
                Map.of("kind", "linear", "inFeatures", 64, "outFeatures", 2))));
        assertProblem(response, 400, "layer 3 (linear): expects 64 inputs, gets 36");
        assertProblem(train(Map.of("dryRun", true, "inputShape", List.of(3), "layers", List.of(Map.of("kind", "conv1d",
                "outChannels", 1, "kernelSize", 2)))), 400, "layer 0 (conv1d): expects [channels, length] per sample, gets (3)");
        assertProblem(train(Map.of("dryRun", true, "inputShape", List.of(3), "layers", List.of(Map.of("kind", "relu",
                "kernelSize", 2)))), 400, "layer 0 (relu): takes no argument [kernelSize]");
        assertProblem(train(Map.of("dryRun", true, "inputShape", List.of(1000, 2), "layers", List.of(Map.of("kind", "gru",
                "hiddenSize", 4)))), 400, "layer 0 (gru): its sequences of 1000 steps are over the sequence-length cap of 512 "
                + "(boxserve.training.max-sequence-length)");
        assertProblem(train(Map.of("dryRun", true, "inputShape", List.of(3), "layers", List.of(Map.of("kind", "conv3d")))),
                400, "layer 0: unknown kind 'conv3d'");
    }

    @Test
    void aPresetTakesTheRequestsFieldsOneByOne() throws Exception {
        ObjectNode request = JSON.createObjectNode().put("preset", "cnn-bars").put("epochs", 1);
        request.set("optimizer", JSON.valueToTree(Map.of("learningRate", 0.005)));
        request.set("data", JSON.valueToTree(Map.of("validationSplit", 0.5)));
        JsonNode result = ok(request);
        assertEquals("adam", result.path("optimizer").path("kind").asText(), "the preset's optimizer, its rate changed");
        assertEquals(0.005, result.path("optimizer").path("learningRate").asDouble());
        assertEquals(160, result.path("validationSamples").asInt(), "the preset's data, its split changed");
        request.set("optimizer", JSON.valueToTree(Map.of("kind", "sgd", "momentum", 0.5)));
        JsonNode sgd = ok(request).path("optimizer");
        assertEquals("sgd", sgd.path("kind").asText());
        assertEquals(0.01, sgd.path("learningRate").asDouble(), "another kind replaces the preset's optimizer whole");
    }

    @Test
    void theHeldOutShareIsCountedInDecimal() {
        assertEquals(7, NetworkService.held(0.07, 100), "0.07 × 100 is 7.000000000000001 in binary");
        assertEquals(14, NetworkService.held(0.28, 50));
        assertEquals(80, NetworkService.held(0.25, 320));
        assertEquals(0, NetworkService.held(null, 10));
    }

    @Test
    void aDivergingRunIsA422NamingTheEpoch() throws Exception {
        ObjectNode request = JSON.createObjectNode().put("preset", "linear-module");
        request.set("optimizer", JSON.valueToTree(Map.of("kind", "sgd", "learningRate", 5)));
        assertProblem(train(request), 422, "at epoch");
    }

    /**
     * Every array of a run lives in its own manager, closed with the run: after networks that
     * trained, failed to fit, diverged and dry-ran, the engine holds no more arrays than before.
     */
    @Test
    void networksLeaveNoArrayBehind() throws Exception {
        NDManager engine;
        try (NDManager probe = Engines.newManager()) {
            engine = probe.getParentManager();
        }
        int before = engine.getManagedArrays().size();
        ObjectNode diverging = JSON.createObjectNode().put("preset", "linear-module");
        diverging.set("optimizer", JSON.valueToTree(Map.of("kind", "sgd", "learningRate", 5)));
        for (int i = 0; i < 3; i++) {
            ok(Map.of("preset", "cnn-bars", "epochs", 2, "predict", List.of(List.of(Collections.nCopies(8,
                    Collections.nCopies(8, 0.5))))));
            ok(Map.of("preset", "min-pool", "dryRun", true));
            assertEquals(422, train(diverging).statusCode());
        }
        assertEquals(before, engine.getManagedArrays().size(), "arrays still held by the engine's managers");
    }

    @Test
    void listsTheLayerKindsAndThePresets() throws Exception {
        JsonNode layers = ServiceHttp.json(http.get("/v1/training/layers"));
        assertEquals(24, layers.size());
        JsonNode linear = layers.get(0);
        assertEquals("torch.nn.Linear", linear.path("pytorch").asText());
        assertTrue(linear.path("arguments").toString().contains("\"name\":\"trainable\""));
        JsonNode presets = ServiceHttp.json(http.get("/v1/training/networks/presets"));
        assertEquals(List.of("linear-module", "cnn-bars", "min-pool", "lstm-sine", "rnn-majority",
                "transformer-repeat"),
                presets.findValuesAsText("name"));
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static List<Integer> ints(JsonNode array) {
        return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, Integer.class));
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        String actual = JSON.readTree(response.body()).path("detail").asText();
        assertTrue(actual.contains(detail), actual);
    }

    private HttpResponse<String> train(Object body) throws Exception {
        return http.sendJson("POST", "/v1/training/networks", body);
    }

    /** A 200 that ran every epoch it asked for: no figure here may come from a run the time limit cut short. */
    private JsonNode ok(Object body) throws Exception {
        HttpResponse<String> response = train(body);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = JSON.readTree(response.body());
        assertTrue(result.path("stoppedEarly").isMissingNode(), result.path("stoppedEarly").asText());
        return result;
    }

}
