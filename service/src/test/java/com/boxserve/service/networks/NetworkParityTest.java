package com.boxserve.service.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The network builder against PyTorch itself: each case trains 20 optimizer steps in the service
 * with {@code "trace": true}, then Debian's torch 1.13 ({@code src/test/python/network_parity.py})
 * loads the service's step-0 parameters, replays the same batches and compares every step's loss
 * and the final parameters and running statistics within 1e-5 relative. The largest differences,
 * per case and layer kind, are printed and kept in {@code target/network-parity/summary.json}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NetworkParityTest {

    private static final ObjectMapper JSON = ServiceHttp.JSON;
    private static final Path PYTHON = Path.of(System.getProperty("parity.python", "/usr/bin/python3"));
    private static final Path SCRIPT = Path.of("src/test/python/network_parity.py");
    private static final Path OUT = Path.of("target/network-parity");
    private static final int STEPS = 20;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
    }

    @Test
    void twentyStepsGivePytorchsLossesAndParameters() throws Exception {
        requireTorch();
        Files.createDirectories(OUT);
        ServiceHttp http = new ServiceHttp(port);
        List<String> files = new ArrayList<>();
        for (Map.Entry<String, Map<String, Object>> entry : cases().entrySet()) {
            Map<String, Object> request = entry.getValue();
            HttpResponse<String> response = http.sendJson("POST", "/v1/training/networks", request);
            assertEquals(200, response.statusCode(), entry.getKey() + ": " + response.body());
            JsonNode answer = JSON.readTree(response.body());
            assertEquals(STEPS, answer.path("trace").path("stepLosses").size(), entry.getKey());
            ObjectNode file = JSON.createObjectNode().put("name", entry.getKey());
            file.set("request", JSON.valueToTree(request));
            file.set("response", answer);
            Path path = OUT.resolve(entry.getKey() + ".json");
            JSON.writeValue(path.toFile(), file);
            files.add(path.toString());
        }
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString()));
        command.addAll(files);
        // into a file, so that a replay that hangs meets the timeout instead of a read that never ends
        Path summaryFile = OUT.resolve("summary.json");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT)
                .redirectOutput(summaryFile.toFile()).start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("the torch replay did not finish in 5 minutes");
        }
        String output = Files.readString(summaryFile);
        System.out.println("network parity with torch, largest relative differences: " + output);
        JsonNode summary = JSON.readTree(output);
        assertEquals(files.size(), summary.path("cases").size());
        for (JsonNode result : summary.path("cases")) {
            assertTrue(result.path("ok").asBoolean(), result.toString());
            assertEquals(STEPS, result.path("steps").asInt(), result.toString());
        }
        assertEquals(0, process.exitValue(), output);
    }

    /** Each case: 40 samples in batches of 10 for 5 epochs, in order, is 20 steps (a validation split takes its share first). */
    private static Map<String, Map<String, Object>> cases() {
        Map<String, Map<String, Object>> cases = new LinkedHashMap<>();
        Map<String, Object> sgd = Map.of("kind", "sgd", "learningRate", 0.05, "momentum", 0.9, "weightDecay", 0.01);
        Map<String, Object> adam = Map.of("kind", "adam", "learningRate", 0.01, "weightDecay", 0.001);
        List<Map<String, Object>> linear = List.of(linear(8), Map.of("kind", "relu"), linear(1));
        cases.put("linear-sgd-momentum-weight-decay", request(List.of(3), linear, "mse", sgd, 40, 10, null, 1));
        Map<String, Object> shuffled = request(List.of(3), linear, "mse", adam, 40, 10, null, 2);
        // the service's own order of the samples each epoch, which its trace answers and the replay follows
        shuffled.put("shuffle", true);
        cases.put("linear-adam-shuffled", shuffled);
        cases.put("conv2d-maxpool-minpool-cross-entropy", request(List.of(2, 8, 8), List.of(
                Map.of("kind", "conv2d", "outChannels", 3, "kernelSize", 3, "padding", 1),
                Map.of("kind", "relu"),
                Map.of("kind", "maxPool2d", "kernelSize", 2),
                Map.of("kind", "minPool2d", "kernelSize", 2),
                Map.of("kind", "flatten"),
                linear(3)), "crossEntropy", sgd, 40, 10, 3, 3));
        // no bias before batch normalisation, as is usual: its gradient is zero but for rounding, and Adam's
        // step, m/√v, turns that noise into steps of the learning rate's size, whose signs no two libraries share
        cases.put("batchnorm-dropout", request(List.of(5), List.of(Map.of("kind", "linear", "outFeatures", 6, "bias", false),
                Map.of("kind", "batchNorm1d"),
                Map.of("kind", "dropout", "p", 0.0), Map.of("kind", "relu"), linear(2)), "crossEntropy", adam, 40, 10, 2, 4));
        cases.put("batchnorm2d-frozen-conv", request(List.of(1, 6, 6), List.of(
                Map.of("kind", "conv2d", "outChannels", 2, "kernelSize", 3, "trainable", false),
                Map.of("kind", "batchNorm2d", "momentum", 0.2),
                Map.of("kind", "tanh"), Map.of("kind", "avgPool2d", "kernelSize", 2), Map.of("kind", "flatten"),
                linear(1)), "l1", sgd, 40, 10, null, 5));
        cases.put("conv1d-layernorm-gelu-bce", request(List.of(2, 12), List.of(
                Map.of("kind", "conv1d", "outChannels", 4, "kernelSize", 3, "stride", 1, "dilation", 2, "groups", 2),
                Map.of("kind", "layerNorm"), Map.of("kind", "gelu"),
                Map.of("kind", "maxPool1d", "kernelSize", 2), Map.of("kind", "minPool1d", "kernelSize", 2, "stride", 1),
                Map.of("kind", "avgPool1d", "kernelSize", 2), Map.of("kind", "flatten"), linear(3),
                Map.of("kind", "sigmoid"), linear(2), Map.of("kind", "softmax")), "bce", adam, 50, 10, 2, 6));
        cases.put("lstm-two-layers-bidirectional", request(List.of(6, 3), List.of(
                Map.of("kind", "lstm", "hiddenSize", 5, "numLayers", 2, "bidirectional", true, "output", "last"),
                linear(1)), "mse", adam, 40, 10, null, 7));
        cases.put("gru-sequence", request(List.of(5, 2), List.of(Map.of("kind", "gru", "hiddenSize", 4),
                Map.of("kind", "flatten"), linear(2)), "crossEntropy", sgd, 40, 10, 2, 8));
        cases.put("rnn-tanh", request(List.of(7, 2), List.of(Map.of("kind", "rnn", "hiddenSize", 6, "output", "last"),
                linear(1)), "mse", sgd, 40, 10, null, 9));
        cases.put("embedding-lstm", request(List.of(6), List.of(
                Map.of("kind", "embedding", "numEmbeddings", 10, "embeddingDim", 4, "paddingIdx", 0),
                Map.of("kind", "lstm", "hiddenSize", 5, "output", "last"), linear(3)), "crossEntropy", adam, 40, 10, 3, 10,
                10));
        cases.put("embedding-transformer-post-norm-padding-mask", request(List.of(6), List.of(
                Map.of("kind", "embedding", "numEmbeddings", 12, "embeddingDim", 8, "paddingIdx", 0),
                Map.of("kind", "transformerEncoder", "nhead", 2, "dimFeedforward", 16, "dropout", 0.0, "paddingMask", true,
                        "positionEncoding", "learned"),
                Map.of("kind", "flatten"), linear(2)), "crossEntropy", Map.of("kind", "sgd", "learningRate", 0.01, "momentum",
                0.9), 40, 10, 2, 11, 12));
        cases.put("embedding-transformer-two-layers-pre-norm-gelu-mean", request(List.of(5), List.of(
                Map.of("kind", "embedding", "numEmbeddings", 9, "embeddingDim", 8, "paddingIdx", 0),
                Map.of("kind", "transformerEncoder", "nhead", 4, "dimFeedforward", 12, "numLayers", 2, "dropout", 0.0,
                        "activation", "gelu", "normFirst", true, "paddingMask", true, "positionEncoding", "sinusoidal",
                        "output", "mean"),
                linear(1)), "mse", Map.of("kind", "adam"), 40, 10, null, 12, 9));
        return cases;
    }

    private static Map<String, Object> linear(int out) {
        return Map.of("kind", "linear", "outFeatures", out);
    }

    /**
     * Inputs drawn from a seeded Gaussian; targets a fixed function of them (classes for crossEntropy,
     * 0/1 values for bce, numbers otherwise). {@code samples} of 50 with a fifth held out leaves 40.
     */
    private static Map<String, Object> request(List<Integer> inputShape, List<Map<String, Object>> layers, String loss,
            Map<String, Object> optimizer, int samples, int batchSize, Integer classes, long seed) {
        return request(inputShape, layers, loss, optimizer, samples, batchSize, classes, seed, 0);
    }

    /** With a {@code vocabulary}, the inputs are token ids below it (0 among them, the padding of the cases that pad). */
    private static Map<String, Object> request(List<Integer> inputShape, List<Map<String, Object>> layers, String loss,
            Map<String, Object> optimizer, int samples, int batchSize, Integer classes, long seed, int vocabulary) {
        Random random = new Random(seed);
        int size = inputShape.stream().reduce(1, (a, b) -> a * b);
        List<Object> inputs = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            List<Double> values = new ArrayList<>();
            double sum = 0;
            for (int k = 0; k < size; k++) {
                double value = vocabulary > 0 ? random.nextInt(vocabulary) : random.nextGaussian();
                values.add(value);
                sum += value * (k % 3 - 1);
            }
            inputs.add(nest(values, inputShape));
            targets.add(switch (loss) {
                case "crossEntropy" -> Math.floorMod((int) Math.floor(sum), classes);
                case "bce" -> List.of(sum > 0 ? 1.0 : 0.0, Math.abs(sum) > 1 ? 1.0 : 0.0);
                default -> List.of(Math.tanh(sum));
            });
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("inputShape", inputShape);
        request.put("layers", layers);
        request.put("data", samples > 40 ? Map.of("inputs", inputs, "targets", targets, "validationSplit", 0.2)
                : Map.of("inputs", inputs, "targets", targets));
        request.put("loss", loss);
        request.put("optimizer", optimizer);
        request.put("epochs", STEPS * batchSize / 40);
        request.put("batchSize", batchSize);
        request.put("shuffle", false);
        request.put("seed", seed);
        request.put("trace", true);
        return request;
    }

    private static Object nest(List<Double> flat, List<Integer> shape) {
        if (shape.size() == 1) {
            return flat;
        }
        int inner = flat.size() / shape.get(0);
        List<Object> rows = new ArrayList<>();
        for (int i = 0; i < shape.get(0); i++) {
            rows.add(nest(flat.subList(i * inner, (i + 1) * inner), shape.subList(1, shape.size())));
        }
        return rows;
    }

    /** Debian's torch must be there where the models are required (bin/test, CI); elsewhere its absence skips. */
    private static void requireTorch() throws Exception {
        boolean present = Files.isExecutable(PYTHON)
                && new ProcessBuilder(PYTHON.toString(), "-c", "import torch").start().waitFor() == 0;
        if (!present) {
            String reason = PYTHON + " cannot import torch (apt-get install python3-torch); bin/test installs it";
            if (Boolean.getBoolean("models.required")) {
                fail(reason);
            }
            abort(reason);
        }
    }
}
