package com.boxserve.service.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The training API over real HTTP on DJL's PyTorch engine; no detection model is needed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class TrainingApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @LocalServerPort
    int port;
    private ServiceHttp http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        registry.add("boxserve.models.directory", TestModels::none);
        registry.add("boxserve.training.max-samples", () -> "200");
        registry.add("boxserve.training.max-epochs", () -> "200000");
        registry.add("boxserve.training.workers", () -> "1");
        registry.add("boxserve.training.queue-capacity", () -> "1");
    }

    @Test
    void theAutogradExampleGivesValue14AndSlope7() throws Exception {
        JsonNode point = json(post("/v1/training/examples/autograd", "")).path("points").get(0);
        assertEquals(2.0, point.path("x").asDouble());
        assertEquals(14.0, point.path("value").asDouble(), 1e-12);
        assertEquals(7.0, point.path("derivative").asDouble(), 1e-12);
    }

    @Test
    void theAutogradRegressionEndsWhereThePlainRecurrenceEnds() throws Exception {
        JsonNode result = json(post("/v1/training/examples/linear-regression-autograd", ""));
        double w0 = result.path("startWeights").get(0).asDouble();
        double b0 = result.path("startBias").asDouble();
        assertTrue(Math.abs(w0) <= 3 && Math.abs(b0) <= 3);
        double[] expected = recurrence(new double[] {1, 2, 3, 4}, new double[] {3, 5, 7, 9}, w0, b0, 0.01, 1000);
        double w = result.path("weights").get(0).asDouble();
        double b = result.path("bias").asDouble();
        assertEquals(expected[0], w, 1e-3);
        assertEquals(expected[1], b, 1e-3);
        assertEquals(2.0, w, 0.06);
        assertEquals(1.0, b, 0.17);
        assertTrue(result.path("finalLoss").asDouble() < 0.005);
        assertEquals(1000, result.path("epochs").asInt());
        assertEquals("autograd", result.path("method").asText());
        assertEquals(2.0, result.path("closedForm").path("weights").get(0).asDouble(), 1e-9);
        assertEquals(1.0, result.path("closedForm").path("bias").asDouble(), 1e-9);
        JsonNode curve = result.path("lossCurve");
        assertEquals(0, curve.get(0).path("epoch").asInt());
        assertEquals(1000, curve.get(curve.size() - 1).path("epoch").asInt());
        assertTrue(curve.get(0).path("loss").asDouble() > curve.get(curve.size() - 1).path("loss").asDouble());
    }

    @Test
    void theHandWrittenGradientExampleLearnsW5B1() throws Exception {
        JsonNode result = json(post("/v1/training/examples/linear-regression-manual", ""));
        assertEquals("manual", result.path("method").asText());
        assertEquals(5.0, result.path("weights").get(0).asDouble(), 5e-4);
        assertEquals(1.0, result.path("bias").asDouble(), 5e-4);
        assertEquals(10000, result.path("epochs").asInt());
        // epoch 0 is the loss of the start w = b = 0: mean(Y²) = 306
        assertEquals(306.0, result.path("lossCurve").get(0).path("loss").asDouble(), 1e-9);
    }

    @Test
    void listsTheExamples() throws Exception {
        JsonNode examples = json(get("/v1/training/examples"));
        assertEquals(3, examples.size());
        assertEquals(404, post("/v1/training/examples/gan", "").statusCode());
    }

    @Test
    void autogradDerivativesMatchTheAnalyticOnes() throws Exception {
        record Case(String expression, DoubleUnaryOperator f, DoubleUnaryOperator df) {
        }
        List<Case> cases = List.of(
                new Case("x^2 + 3*x + 4", x -> x * x + 3 * x + 4, x -> 2 * x + 3),
                new Case("x**3 - 2*x", x -> x * x * x - 2 * x, x -> 3 * x * x - 2),
                new Case("-x^2", x -> -x * x, x -> -2 * x),
                new Case("sin(x) * cos(x)", x -> Math.sin(x) * Math.cos(x), x -> Math.cos(2 * x)),
                new Case("tan(x)", Math::tan, x -> 1 / (Math.cos(x) * Math.cos(x))),
                new Case("exp(2*x)", x -> Math.exp(2 * x), x -> 2 * Math.exp(2 * x)),
                new Case("log(x^2 + 1)", x -> Math.log(x * x + 1), x -> 2 * x / (x * x + 1)),
                new Case("sqrt(x + 4)", x -> Math.sqrt(x + 4), x -> 0.5 / Math.sqrt(x + 4)),
                new Case("tanh(x)", Math::tanh, x -> 1 - Math.tanh(x) * Math.tanh(x)),
                new Case("abs(x - 0.25)", x -> Math.abs(x - 0.25), x -> Math.signum(x - 0.25)),
                new Case("1 / (1 + exp(-x))", x -> 1 / (1 + Math.exp(-x)), x -> Math.exp(-x) / Math.pow(1 + Math.exp(-x), 2)),
                new Case("(x - 1) * (x + 2) / 4", x -> (x - 1) * (x + 2) / 4, x -> (2 * x + 1) / 4.0),
                new Case("2 ^ -x", x -> Math.pow(2, -x), x -> -Math.log(2) * Math.pow(2, -x)));
        List<Double> points = List.of(-1.5, -0.5, 0.0, 0.5, 1.0, 2.0);
        for (Case c : cases) {
            JsonNode result = json(post("/v1/autograd/derivative", JSON.writeValueAsString(
                    Map.of("expression", c.expression(), "x", points))));
            for (int i = 0; i < points.size(); i++) {
                double x = points.get(i);
                JsonNode point = result.path("points").get(i);
                assertEquals(c.f().applyAsDouble(x), point.path("value").asDouble(), 1e-9, c.expression() + " at " + x);
                assertEquals(c.df().applyAsDouble(x), point.path("derivative").asDouble(), 1e-9, c.expression() + "' at " + x);
            }
        }
        JsonNode undefined = json(post("/v1/autograd/derivative", "{\"expression\": \"log(x)\", \"x\": [0]}"));
        assertTrue(undefined.path("points").get(0).path("value").isNull(), "log(0) is not finite");
    }

    @Test
    void autogradAndHandWrittenGradientsAgree() throws Exception {
        String data = "\"x\": [[1, 2], [2, 0.5], [3, -1], [4, 2.5], [0.5, 1]], \"y\": [3, 2, 0.5, 6, 2.5],"
                + " \"learningRate\": 0.02, \"epochs\": 200, \"weights\": [0.3, -0.7], \"bias\": 0.1";
        JsonNode autograd = json(post("/v1/training/linear-regression", "{" + data + ", \"method\": \"autograd\"}"));
        JsonNode manual = json(post("/v1/training/linear-regression", "{" + data + ", \"method\": \"manual\"}"));
        for (int i = 0; i < 2; i++) {
            assertRelative(autograd.path("weights").get(i).asDouble(), manual.path("weights").get(i).asDouble(), 1e-5);
        }
        assertRelative(autograd.path("bias").asDouble(), manual.path("bias").asDouble(), 1e-5);
        assertRelative(autograd.path("finalLoss").asDouble(), manual.path("finalLoss").asDouble(), 1e-5);
    }

    @Test
    void aNoisyThreeFeatureRegressionReachesTheClosedForm() throws Exception {
        Random random = new Random(3);
        List<List<Double>> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            double c = random.nextGaussian();
            x.add(List.of(a, b, c));
            y.add(1.5 * a - 2 * b + 0.5 * c + 3 + 0.1 * random.nextGaussian());
        }
        JsonNode result = json(post("/v1/training/linear-regression", JSON.writeValueAsString(Map.of(
                "x", x, "y", y, "learningRate", 0.1, "epochs", 2000, "seed", 7))));
        JsonNode closed = result.path("closedForm");
        for (int i = 0; i < 3; i++) {
            assertEquals(closed.path("weights").get(i).asDouble(), result.path("weights").get(i).asDouble(), 1e-3);
        }
        assertEquals(closed.path("bias").asDouble(), result.path("bias").asDouble(), 1e-3);
        assertEquals(1.5, closed.path("weights").get(0).asDouble(), 0.05);
    }

    @Test
    void poolsByMaxAndMin() throws Exception {
        String input = "[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]";
        JsonNode max = json(post("/v1/tensors/pool", "{\"input\": " + input + ", \"mode\": \"max\", \"kernel\": [2]}"));
        assertEquals(JSON.readTree("[[[6.0, 8.0], [14.0, 16.0]]]"), max.path("output"));
        JsonNode min = json(post("/v1/tensors/pool", "{\"input\": " + input + ", \"mode\": \"min\", \"kernel\": [2], \"stride\": [1]}"));
        assertEquals(JSON.readTree("[[[1.0, 2.0, 3.0], [5.0, 6.0, 7.0], [9.0, 10.0, 11.0]]]"), min.path("output"));
        JsonNode batch = json(post("/v1/tensors/pool", "{\"input\": [[[3, -1], [0, 2]], [[-5, 4], [7, 1]]],"
                + " \"mode\": \"min\", \"kernel\": [2, 2]}"));
        assertEquals(JSON.readTree("[[[-1.0]], [[-5.0]]]"), batch.path("output"));
        JsonNode rectangle = json(post("/v1/tensors/pool", "{\"input\": [[1, 9, 2, 8, 3, 7]], \"mode\": \"max\","
                + " \"kernel\": [1, 3], \"stride\": [1, 3]}"));
        assertEquals(JSON.readTree("[[[9.0, 8.0]]]"), rectangle.path("output"));
    }

    /** Where PyTorch takes a scalar (nn.MaxPool2d(2), a tensor of one x), the API does: the same answers as the arrays. */
    @Test
    void takesAScalarWherePytorchDoes() throws Exception {
        String input = "[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]]";
        assertEquals(json(post("/v1/tensors/pool", "{\"input\": " + input + ", \"kernel\": [2, 2], \"stride\": [1, 1]}"))
                .path("output"), json(post("/v1/tensors/pool", "{\"input\": " + input + ", \"kernel\": 2, \"stride\": 1}"))
                .path("output"));
        JsonNode one = json(post("/v1/autograd/derivative", "{\"expression\": \"x^2 + 3*x + 4\", \"x\": 1.5}"));
        assertEquals(1, one.path("points").size());
        assertEquals(6.0, one.path("points").get(0).path("derivative").asDouble(), 1e-9);
        assertProblem(post("/v1/tensors/pool", "{\"input\": " + input + ", \"kernel\": [2, 2, 2]}"), 400, "one or two");
    }

    @Test
    void drawsTheLossCurve() throws Exception {
        HttpResponse<String> svg = http.send(HttpRequest.newBuilder(uri("/v1/training/examples/linear-regression-manual"))
                .header("Accept", "image/svg+xml").POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, svg.statusCode());
        assertTrue(svg.headers().firstValue("Content-Type").orElse("").startsWith("image/svg+xml"));
        assertTrue(svg.body().startsWith("<svg") && svg.body().contains("<polyline"), svg.body());
        assertTrue(svg.body().contains("log scale"), "a loss falling from 306 to 1e-27 is drawn on a log scale");
    }

    @Test
    void answersBadRequestsAsStated() throws Exception {
        String regression = "/v1/training/linear-regression";
        assertProblem(post(regression, "{\"x\": [1, 2, 3], \"y\": [1, 2]}"), 400, "samples");
        assertProblem(post(regression, "{\"x\": [], \"y\": []}"), 400, "empty");
        assertProblem(post(regression, "{\"x\": [1, 2], \"y\": [1, 1e999]}"), 400, "finite");
        assertProblem(post(regression, "{\"x\": [[1, 2], [3]], \"y\": [1, 2]}"), 400, "same number");
        assertProblem(post(regression, "{\"x\": [1, 2], \"y\": [1, 2], \"learningRate\": 0}"), 400, "learningRate");
        assertProblem(post(regression, "{\"x\": [1, 2], \"y\": [1, 2], \"learningRate\": -0.1}"), 400, "learningRate");
        assertProblem(post(regression, "{\"x\": [1, 2], \"y\": [1, 2], \"epochs\": 200001}"), 400, "epochs");
        assertProblem(post(regression, "{\"x\": [1, 2], \"y\": [1, 2], \"method\": \"newton\"}"), 400, "method");
        List<Integer> tooMany = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tooMany.add(i);
        }
        assertProblem(post(regression, JSON.writeValueAsString(Map.of("x", tooMany, "y", tooMany))), 400, "limit");
        HttpResponse<String> diverged = post(regression, "{\"x\": [1, 2, 3, 4, 5], \"y\": [6, 11, 16, 21, 26],"
                + " \"learningRate\": 1.0, \"epochs\": 1000, \"weights\": [0], \"bias\": 0}");
        assertProblem(diverged, 422, "epoch");
        assertTrue(diverged.body().contains("learning rate"), diverged.body());

        String derivative = "/v1/autograd/derivative";
        assertProblem(post(derivative, "{\"expression\": \"x + * 2\", \"x\": [1]}"), 400, "character 5");
        assertProblem(post(derivative, "{\"expression\": \"(x + 2\", \"x\": [1]}"), 400, "expected ')'");
        assertProblem(post(derivative, "{\"expression\": \"System.exit(0)\", \"x\": [1]}"), 400, "unknown name 'System'");
        assertProblem(post(derivative, "{\"expression\": \"x ^ 2 y\", \"x\": [1]}"), 400, "character 7");
        assertProblem(post(derivative, "{\"expression\": \"\", \"x\": [1]}"), 400, "empty");
        assertProblem(post(derivative, "{\"expression\": \"x\", \"x\": []}"), 400, "point");

        assertProblem(post("/v1/tensors/pool", "{\"input\": [[1, 2], [3, 4]], \"kernel\": [3]}"), 400, "fit");
        assertProblem(post("/v1/tensors/pool", "{\"input\": [[1, 2], [3]], \"kernel\": [1]}"), 400, "rectangle");
        assertProblem(post("/v1/tensors/pool", "{\"input\": [[1, 2], [3, 4]], \"kernel\": [0]}"), 400, "positive");
        assertProblem(post("/v1/tensors/pool", "{\"input\": [[1, 2], [3, 4]], \"kernel\": [1], \"mode\": \"avg\"}"), 400, "mode");
    }

    @Test
    void runsOnItsOwnBoundedPoolAndRefusesWhenFull() throws Exception {
        String slow = "{\"x\": [1, 2, 3, 4], \"y\": [3, 5, 7, 9], \"learningRate\": 0.01, \"epochs\": 60000, \"seed\": 1}";
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(() -> post("/v1/training/linear-regression", slow));
            }
            int refused = 0;
            int served = 0;
            for (Future<HttpResponse<String>> call : clients.invokeAll(calls)) {
                HttpResponse<String> response = call.get();
                if (response.statusCode() == 503) {
                    refused++;
                    assertTrue(response.headers().firstValue("Retry-After").isPresent());
                } else {
                    assertEquals(200, response.statusCode(), response.body());
                    served++;
                }
            }
            assertTrue(refused > 0 && served > 0, "one worker and a queue of one: " + served + " served, " + refused + " refused");
        } finally {
            clients.shutdown();
        }
        String metrics = get("/actuator/prometheus").body();
        assertTrue(metrics.contains("boxserve_training_requests_total"), "requests counted");
        assertTrue(metrics.contains("outcome=\"overloaded\""));
        assertTrue(metrics.contains("boxserve_training_duration_seconds_bucket"));
    }

    // ---------------------------------------------------------------- helpers

    /** w and b after the classic example's recurrence in plain double arithmetic. */
    static double[] recurrence(double[] x, double[] y, double w, double b, double lr, int epochs) {
        int n = x.length;
        for (int epoch = 0; epoch < epochs; epoch++) {
            double dw = 0;
            double db = 0;
            for (int i = 0; i < n; i++) {
                double error = w * x[i] + b - y[i];
                dw += 2 * x[i] * error / n;
                db += 2 * error / n;
            }
            w -= lr * dw;
            b -= lr * db;
        }
        return new double[] {w, b};
    }

    private static void assertRelative(double expected, double actual, double tolerance) {
        double scale = Math.max(Math.abs(expected), 1e-12);
        assertTrue(Math.abs(expected - actual) / scale <= tolerance, expected + " vs " + actual);
    }

    private static void assertProblem(HttpResponse<String> response, int status, String mentions) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/problem+json", response.headers().firstValue("Content-Type").orElse(""));
        assertTrue(response.body().contains(mentions), "'" + mentions + "' in " + response.body());
    }

    @BeforeEach
    void connect() {
        http = new ServiceHttp(port);
    }

    private URI uri(String path) {
        return http.uri(path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.get(path);
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.sendJson("POST", path, body);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }
}
