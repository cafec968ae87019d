package com.boxserve.service.openinference;

import static com.boxserve.service.ServiceHttp.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestImages;
import com.boxserve.service.TestModels;
import com.boxserve.service.deploy.ExternalTools;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.service.openinference.grpc.GRPCInferenceServiceGrpc;
import com.boxserve.service.openinference.grpc.ModelInferRequest;
import com.boxserve.service.openinference.grpc.ModelInferResponse;
import com.boxserve.service.openinference.grpc.ModelMetadataRequest;
import com.boxserve.service.openinference.grpc.ModelMetadataResponse;
import com.boxserve.service.openinference.grpc.ModelReadyRequest;
import com.boxserve.service.openinference.grpc.ServerLiveRequest;
import com.boxserve.service.openinference.grpc.ServerMetadataRequest;
import com.boxserve.service.openinference.grpc.ServerReadyRequest;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Open Inference Protocol over REST, as a client of it sends it: every route, images as
 * encoded files and as pixels, JSON and the binary tensor data extension both ways, the same
 * detections as {@code /v1}, and failures as {@code {"error": ...}} with {@code /v1}'s statuses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
class OpenInferenceApiTest {

    private static final String MODEL = "/v2/models/" + TestModels.FAST;
    private static final String INFER = MODEL + "/infer";

    @LocalServerPort
    int port;
    @Autowired
    DetectorRegistry registry;
    @Autowired
    GrpcServer grpc;
    private ServiceHttp http;

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        TestModels.fastBesideBroken(registry);
        registry.add("boxserve.images.max-pixels", () -> "1000000");
    }

    @BeforeEach
    void connectAndAwaitReady() throws Exception {
        http = new ServiceHttp(port);
        TestModels.awaitReadiness("http://localhost:" + port);
    }

    @Test
    void answersHealthServerAndModelMetadataAndReadiness() throws Exception {
        assertEquals(Map.of("live", true), ServiceHttp.JSON.convertValue(json(http.get("/v2/health/live")), Map.class));
        assertEquals(true, json(http.get("/v2/health/ready")).path("ready").asBoolean());
        JsonNode server = json(http.get("/v2"));
        assertEquals("boxserve", server.path("name").asText());
        assertTrue(server.path("extensions").toString().contains("binary_tensor_data"));
        assertEquals(server, json(http.get("/v2/")));

        JsonNode model = json(http.get(MODEL));
        assertEquals(TestModels.FAST, model.path("name").asText());
        assertEquals("pytorch_torchscript", model.path("platform").asText());
        assertEquals(1, model.path("versions").size());
        String version = model.path("versions").get(0).asText();
        assertEquals("BYTES", model.path("inputs").get(0).path("datatype").asText());
        assertEquals(List.of("boxes", "scores", "labels", "label_names", "detections_per_image"),
                model.path("outputs").findValuesAsText("name"));
        assertEquals(model, json(http.get(MODEL + "/versions/" + version)));

        JsonNode ready = json(http.get(MODEL + "/versions/" + version + "/ready"));
        assertEquals(TestModels.FAST, ready.path("name").asText());
        assertTrue(ready.path("ready").asBoolean());
        assertError(http.get(MODEL + "/versions/nope"), 404, "version");
        assertError(http.get("/v2/models/" + TestModels.BROKEN + "/ready"), 503, "FAILED");
        assertError(http.get("/v2/models/resnet/ready"), 404, "no model named 'resnet'");
    }

    @Test
    void infersWhatV1DetectsFromEncodedImagesInJsonAndInBinary() throws Exception {
        byte[] png = TestImages.resource("photo.png");
        JsonNode v1 = json(http.post("/v1/models/" + TestModels.FAST + "/detect", "image/png", png)).path("detections");
        assertFalse(v1.isEmpty(), "detections to compare");

        ObjectNode request = ServiceHttp.JSON.createObjectNode().put("id", "req-7");
        request.putArray("inputs").addObject().put("name", "image").put("datatype", "BYTES")
                .putPOJO("shape", List.of(1)).putArray("data").add(Base64.getEncoder().encodeToString(png));
        HttpResponse<String> answer = http.post(INFER, "application/json", ServiceHttp.JSON.writeValueAsBytes(request));
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode body = json(answer);
        assertEquals("req-7", body.path("id").asText());
        assertEquals(TestModels.FAST, body.path("model_name").asText());
        assertEquals(json(http.get(MODEL)).path("versions").get(0).asText(), body.path("model_version").asText());
        assertTrue(body.path("parameters").path("warning").asText().contains("RANDOM"), "random weights are flagged");
        Map<String, JsonNode> outputs = byName(body.path("outputs"));
        int k = v1.size();
        assertEquals(List.of(k, 4), ints(outputs.get("boxes").path("shape")));
        assertEquals(List.of(1), ints(outputs.get("detections_per_image").path("shape")));
        assertEquals(k, outputs.get("detections_per_image").path("data").get(0).asInt());
        for (int i = 0; i < k; i++) {
            JsonNode want = v1.get(i);
            assertEquals(want.path("categoryId").asLong(), outputs.get("labels").path("data").get(i).asLong());
            assertEquals(want.path("label").asText(), outputs.get("label_names").path("data").get(i).asText());
            assertEquals((float) want.path("score").asDouble(), outputs.get("scores").path("data").get(i).floatValue());
            String[] corners = {"x1", "y1", "x2", "y2"};
            for (int c = 0; c < 4; c++) {
                assertEquals((float) want.path("box").path(corners[c]).asDouble(),
                        outputs.get("boxes").path("data").get(4 * i + c).floatValue(), "FP32 of /v1's box");
            }
        }

        // the same image as binary data, every output asked back as binary data
        ObjectNode header = ServiceHttp.JSON.createObjectNode();
        header.putObject("parameters").put("binary_data_output", true);
        header.putArray("inputs").addObject().put("name", "image").put("datatype", "BYTES").putPOJO("shape", List.of(1))
                .putObject("parameters").put("binary_data_size", 4 + png.length);
        Binary binary = inferBinary(header, element(png));
        assertEquals(List.of("boxes", "scores", "labels", "label_names", "detections_per_image"),
                binary.header().path("outputs").findValuesAsText("name"));
        assertArrayEquals(floats(outputs.get("boxes").path("data")), binary.floats("boxes"));
        assertArrayEquals(floats(outputs.get("scores").path("data")), binary.floats("scores"));
        List<Long> labels = new ArrayList<>();
        outputs.get("labels").path("data").forEach(label -> labels.add(label.asLong()));
        assertEquals(labels, binary.longs("labels"));
        assertEquals(ServiceHttp.JSON.convertValue(outputs.get("label_names").path("data"), List.class),
                binary.strings("label_names"));
    }

    @Test
    void infersFromPixelsAsFromTheFileTheyCameFrom() throws Exception {
        byte[] png = TestImages.resource("photo.png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int h = image.getHeight();
        int w = image.getWidth();
        ByteArrayOutputStream pixels = new ByteArrayOutputStream();
        for (int copy = 0; copy < 2; copy++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = image.getRGB(x, y);
                    pixels.write(rgb >> 16 & 0xff);
                    pixels.write(rgb >> 8 & 0xff);
                    pixels.write(rgb & 0xff);
                }
            }
        }
        ObjectNode header = ServiceHttp.JSON.createObjectNode();
        header.putArray("inputs").addObject().put("name", "image").put("datatype", "UINT8")
                .putPOJO("shape", List.of(2, h, w, 3)).putObject("parameters").put("binary_data_size", pixels.size());
        header.putArray("outputs").addObject().put("name", "scores").putObject("parameters").put("binary_data", true);
        header.withArray("outputs").addObject().put("name", "detections_per_image");
        Binary answer = inferBinary(header, pixels.toByteArray());
        JsonNode v1 = json(http.post("/v1/models/" + TestModels.FAST + "/detect", "image/png", png)).path("detections");
        JsonNode perImage = answer.header().path("outputs").get(1).path("data");
        assertEquals(List.of(v1.size(), v1.size()), ints(perImage), "the pixels of the PNG detect as the PNG does");
        float[] scores = answer.floats("scores");
        for (int i = 0; i < v1.size(); i++) {
            assertEquals((float) v1.get(i).path("score").asDouble(), scores[i]);
            assertEquals(scores[i], scores[v1.size() + i], "both copies alike");
        }
    }

    @Test
    void answersFailuresInTheProtocolsWordsWithV1sStatuses() throws Exception {
        assertError(post("inputs?"), 400, "not valid JSON");
        assertError(post("{\"inputs\": ["), 400, "inputs");
        assertError(post("{\"inputs\": []}"), 400, "give one input");
        assertError(post("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"FP32\", \"shape\": [1], \"data\": [1]}]}"),
                400, "datatype FP32");
        assertError(post("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\"%%\"]}]}"),
                400, "not base64");
        String tiny = Base64.getEncoder().encodeToString("not an image".getBytes(StandardCharsets.UTF_8));
        assertError(post("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"data\": [\""
                + tiny + "\"]}]}"), 415, "not an image");
        assertError(post("{\"parameters\": {\"treshold\": 0.5}, \"inputs\": [{\"name\": \"image\", \"datatype\": "
                + "\"BYTES\", \"shape\": [1], \"data\": [\"" + tiny + "\"]}]}"), 400, "treshold");
        assertError(post("{\"outputs\": [{\"name\": \"masks\"}], \"inputs\": [{\"name\": \"image\", \"datatype\": "
                + "\"BYTES\", \"shape\": [1], \"data\": [\"" + tiny + "\"]}]}"), 400, "masks");
        assertError(post("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"UINT8\", \"shape\": [2000, 2000, 3], "
                + "\"data\": [0]}]}"), 413, "pixels");
        assertError(post("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"UINT8\", "
                + "\"shape\": [4294967296, 4294967296, 3], \"data\": [0]}]}"), 413, "pixels");
        // a shape within the limits but far beyond the values sent: refused for what the body holds
        assertError(post("{\"inputs\": [{\"name\": \"image\", \"datatype\": \"UINT8\", \"shape\": [16, 1000, 1000, 3], "
                + "\"data\": [0]}]}"), 400, "holds 1 values");
        assertError(http.send("POST", INFER, "application/octet-stream", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("Inference-Header-Content-Length", "99")), 400, "Inference-Header-Content-Length");
        assertError(http.post("/v2/models/resnet/infer", "application/json", "{}".getBytes(StandardCharsets.UTF_8)), 404,
                "resnet");

        List<WorkerPool<DetectionInput, DetectionResult>.Admission> held = holdEveryPlace();
        try {
            HttpResponse<String> busy = post("{}");
            assertError(busy, 503, "busy");
            assertTrue(Integer.parseInt(busy.headers().firstValue("Retry-After").orElse("0")) >= 1, "Retry-After");
        } finally {
            held.forEach(WorkerPool.Admission::close);
        }
        String metrics = http.get("/actuator/prometheus").body();
        assertTrue(metrics.contains("api=\"v2\""), "v2 requests are counted apart");
        assertTrue(metrics.contains("outcome=\"overloaded\""));
    }

    /** curl, a client this project did not write, on every route: JSON, and binary data both ways. */
    @Test
    void curlReachesEveryRoute() throws Exception {
        Path curl = ExternalTools.require("curl", "curl");
        String version = json(http.get(MODEL)).path("versions").get(0).asText();
        for (String route : List.of("/v2/health/live", "/v2/health/ready", "/v2", MODEL, MODEL + "/versions/" + version,
                MODEL + "/ready", MODEL + "/versions/" + version + "/ready")) {
            assertEquals("200", curl(curl, route).get(0), route);
        }
        byte[] png = TestImages.resource("photo.png");
        Path request = Files.createTempFile("infer", ".json");
        Files.writeString(request, "{\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], "
                + "\"data\": [\"" + Base64.getEncoder().encodeToString(png) + "\"]}]}");
        List<String> jsonAnswer = curl(curl, INFER, "-H", "Content-Type: application/json", "--data-binary", "@" + request);
        assertEquals("200", jsonAnswer.get(0), jsonAnswer.toString());
        JsonNode outputs = ServiceHttp.JSON.readTree(jsonAnswer.get(1)).path("outputs");

        byte[] header = ("{\"parameters\": {\"binary_data_output\": true}, \"outputs\": [{\"name\": \"labels\"}], "
                + "\"inputs\": [{\"name\": \"image\", \"datatype\": \"BYTES\", \"shape\": [1], \"parameters\": "
                + "{\"binary_data_size\": " + (4 + png.length) + "}}]}").getBytes(StandardCharsets.UTF_8);
        Path binary = Files.createTempFile("infer", ".bin");
        Files.write(binary, ByteBuffer.allocate(header.length + 4 + png.length).put(header).put(element(png)).array());
        Path answer = Files.createTempFile("answer", ".bin");
        List<String> binaryAnswer = curl(curl, MODEL + "/versions/" + version + "/infer", "-H",
                "Content-Type: application/octet-stream", "-H", "Inference-Header-Content-Length: " + header.length,
                "--data-binary", "@" + binary, "-o", answer.toString(), "-D", "-");
        assertEquals("200", binaryAnswer.get(0), binaryAnswer.toString());
        int length = Integer.parseInt(binaryAnswer.stream().filter(line -> line.toLowerCase().startsWith(
                "inference-header-content-length:")).findFirst().orElseThrow().split(":")[1].trim());
        byte[] body = Files.readAllBytes(answer);
        ByteBuffer labels = ByteBuffer.wrap(body, length, body.length - length).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode label : byName(outputs).get("labels").path("data")) {
            assertEquals(label.asLong(), labels.getLong());
        }
        assertFalse(labels.hasRemaining());
    }

    /** Runs curl on a route: the status first, then what it wrote to standard output, line by line. */
    private List<String> curl(Path curl, String route, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(curl.toString(), "-sS", "-w", "\n%{http_code}"));
        command.addAll(List.of(options));
        command.add(http.uri(route).toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(List.of(new String(process.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).split("\r?\n")));
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        lines.add(0, lines.remove(lines.size() - 1));
        return lines;
    }

    /** The gRPC service answers as REST does: the same metadata, the same detections, the same failures. */
    @Test
    void grpcAnswersEveryRpcAsRestDoes() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", grpc.port()).usePlaintext().build();
        try {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(
                    channel).withDeadlineAfter(1, TimeUnit.MINUTES);
            assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
            assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
            assertEquals(List.of("binary_tensor_data"), stub.serverMetadata(ServerMetadataRequest.getDefaultInstance())
                    .getExtensionsList());
            JsonNode rest = json(http.get(MODEL));
            ModelMetadataResponse metadata = stub.modelMetadata(ModelMetadataRequest.newBuilder()
                    .setName(TestModels.FAST).build());
            assertEquals(rest.path("versions").get(0).asText(), metadata.getVersions(0));
            assertEquals(rest.path("platform").asText(), metadata.getPlatform());
            assertEquals(rest.path("outputs").findValuesAsText("name"), metadata.getOutputsList().stream()
                    .map(ModelMetadataResponse.TensorMetadata::getName).toList());
            assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName(TestModels.FAST).build()).getReady());
            assertFalse(stub.modelReady(ModelReadyRequest.newBuilder().setName(TestModels.BROKEN).build()).getReady());
            assertEquals(HealthCheckResponse.ServingStatus.SERVING, HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus());

            byte[] png = TestImages.resource("photo.png");
            JsonNode v1 = json(http.post("/v1/models/" + TestModels.FAST + "/detect", "image/png", png)).path("detections");
            ModelInferResponse answer = stub.modelInfer(ModelInferRequest.newBuilder().setModelName(TestModels.FAST)
                    .setId("g-1").addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("image")
                            .setDatatype("BYTES").addShape(1))
                    .addRawInputContents(ByteString.copyFrom(element(png))).build());
            assertEquals("g-1", answer.getId());
            assertEquals(List.of("boxes", "scores", "labels", "label_names", "detections_per_image"),
                    answer.getOutputsList().stream().map(ModelInferResponse.InferOutputTensor::getName).toList());
            ByteBuffer boxes = answer.getRawOutputContents(0).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer scores = answer.getRawOutputContents(1).asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(4L * 4 * v1.size(), boxes.remaining());
            for (JsonNode detection : v1) {
                for (String corner : new String[] {"x1", "y1", "x2", "y2"}) {
                    assertEquals((float) detection.path("box").path(corner).asDouble(), boxes.getFloat(),
                            "bit for bit the FP32 of /v1's box");
                }
                assertEquals((float) detection.path("score").asDouble(), scores.getFloat());
            }

            assertEquals(Status.Code.NOT_FOUND, code(() -> stub.modelInfer(ModelInferRequest.newBuilder()
                    .setModelName("resnet").build())));
            assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> stub.modelInfer(ModelInferRequest.newBuilder()
                    .setModelName(TestModels.FAST).addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                            .setName("image").setDatatype("FP32").addShape(1)).build())));
            List<WorkerPool<DetectionInput, DetectionResult>.Admission> held = holdEveryPlace();
            try {
                StatusRuntimeException busy = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(
                        ModelInferRequest.newBuilder().setModelName(TestModels.FAST).build()));
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, busy.getStatus().getCode());
                assertTrue(Integer.parseInt(busy.getTrailers().get(GrpcFailures.RETRY_AFTER)) >= 1, "retry-after");
                // the default class is full; a low or (from this host, without tokens) a high call
                // has places of its own, so it gets past admission to its missing image
                for (String priority : List.of("low", "HIGH")) {
                    StatusRuntimeException admitted = assertThrows(StatusRuntimeException.class, () -> withPriority(
                            stub, priority).modelInfer(ModelInferRequest.newBuilder().setModelName(TestModels.FAST).build()));
                    assertEquals(Status.Code.INVALID_ARGUMENT, admitted.getStatus().getCode(), priority);
                    assertFalse(admitted.getStatus().getDescription().contains("priority"), priority);
                }
                StatusRuntimeException malformed = assertThrows(StatusRuntimeException.class, () -> withPriority(
                        stub, "urgent").modelInfer(ModelInferRequest.newBuilder().setModelName(TestModels.FAST).build()));
                assertEquals(Status.Code.INVALID_ARGUMENT, malformed.getStatus().getCode());
                assertTrue(malformed.getStatus().getDescription().contains("request-priority"));
            } finally {
                held.forEach(WorkerPool.Admission::close);
            }
        } finally {
            channel.shutdownNow();
        }
    }

    /** Debian's grpcio, with stubs it makes from our .proto at test time, on every RPC: what /v1 detects. */
    @Test
    void aPythonClientThisProjectDidNotWriteGetsWhatV1Detects() throws Exception {
        Path python = ExternalTools.requirePython("grpc", "python3-grpcio");
        Path script = ExternalTools.ROOT.resolve("service/src/test/python/oip_grpc_client.py");
        Path image = Files.createTempFile("photo", ".png");
        byte[] png = TestImages.resource("photo.png");
        Files.write(image, png);
        Process client = new ProcessBuilder(python.toString(), script.toString(), "--target", "localhost:" + grpc.port(), "--model",
                TestModels.FAST, "--image", image.toString(), "--proto",
                ExternalTools.ROOT.resolve("service/src/main/proto/grpc_predict_v2.proto").toString()).start();
        byte[] out = client.getInputStream().readAllBytes();
        String err = new String(client.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(client.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, client.exitValue(), err);
        JsonNode answer = ServiceHttp.JSON.readTree(out);
        assertTrue(answer.path("live").asBoolean() && answer.path("ready").asBoolean() && answer.path("model_ready")
                .asBoolean());
        assertEquals(json(http.get("/v2")).path("extensions"), answer.path("server").path("extensions"));
        JsonNode v1 = json(http.post("/v1/models/" + TestModels.FAST + "/detect", "image/png", png)).path("detections");
        for (String way : List.of("raw", "bytes_contents")) {
            JsonNode got = answer.path(way);
            assertEquals(v1.size(), got.path("labels").size(), way);
            for (int i = 0; i < v1.size(); i++) {
                JsonNode want = v1.get(i);
                assertEquals(want.path("categoryId").asLong(), got.path("labels").get(i).asLong(), way);
                assertEquals(want.path("label").asText(), got.path("label_names").get(i).asText(), way);
                assertEquals((float) want.path("score").asDouble(), (float) got.path("scores").get(i).asDouble(), way);
                String[] corners = {"x1", "y1", "x2", "y2"};
                for (int c = 0; c < 4; c++) {
                    assertEquals((float) want.path("box").path(corners[c]).asDouble(),
                            (float) got.path("boxes").get(i).get(c).asDouble(), way + ": the FP32 of /v1's box");
                }
            }
        }
        assertEquals("NOT_FOUND", answer.path("errors").path("unknown_model").path("code").asText());
        assertEquals("INVALID_ARGUMENT", answer.path("errors").path("wrong_datatype").path("code").asText());
    }

    private static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub withPriority(
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub, String priority) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("request-priority", Metadata.ASCII_STRING_MARSHALLER), priority);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private static Status.Code code(Executable call) {
        return assertThrows(StatusRuntimeException.class, call).getStatus().getCode();
    }

    /** Takes every place in the model's pool, as requests being decoded or queued would. */
    private List<WorkerPool<DetectionInput, DetectionResult>.Admission> holdEveryPlace() {
        List<WorkerPool<DetectionInput, DetectionResult>.Admission> held = new ArrayList<>();
        ServedModel model = registry.get(TestModels.FAST);
        for (int i = 0; i < 3; i++) {
            held.add(model.admit());
        }
        return held;
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.post(INFER, "application/json", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertError(HttpResponse<String> response, int status, String says) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        JsonNode body = json(response);
        assertEquals(1, body.size(), "only the protocol's error: " + body);
        assertTrue(body.path("error").asText().contains(says), body.toString());
    }

    /** An inference answer in the binary extension: its JSON header, and each binary output's bytes. */
    private record Binary(JsonNode header, Map<String, ByteBuffer> outputs) {

        float[] floats(String name) {
            ByteBuffer bytes = outputs.get(name);
            float[] values = new float[bytes.remaining() / 4];
            bytes.asFloatBuffer().get(values);
            return values;
        }

        List<Long> longs(String name) {
            ByteBuffer bytes = outputs.get(name);
            List<Long> values = new ArrayList<>();
            while (bytes.hasRemaining()) {
                values.add(bytes.getLong());
            }
            return values;
        }

        List<String> strings(String name) {
            ByteBuffer bytes = outputs.get(name);
            List<String> values = new ArrayList<>();
            while (bytes.hasRemaining()) {
                byte[] value = new byte[bytes.getInt()];
                bytes.get(value);
                values.add(new String(value, StandardCharsets.UTF_8));
            }
            return values;
        }
    }

    private Binary inferBinary(ObjectNode header, byte[] data) throws Exception {
        byte[] json = ServiceHttp.JSON.writeValueAsBytes(header);
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(http.uri(INFER))
                .header("Content-Type", "application/octet-stream")
                .header("Inference-Header-Content-Length", Integer.toString(json.length))
                .timeout(Duration.ofMinutes(1))
                .POST(HttpRequest.BodyPublishers.ofByteArray(ByteBuffer.allocate(json.length + data.length).put(json)
                        .put(data).array())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        int length = response.headers().firstValue("Inference-Header-Content-Length").map(Integer::parseInt)
                .orElse(response.body().length);
        JsonNode answer = ServiceHttp.JSON.readTree(response.body(), 0, length);
        Map<String, ByteBuffer> outputs = new HashMap<>();
        int at = length;
        for (JsonNode output : answer.path("outputs")) {
            int size = output.path("parameters").path("binary_data_size").asInt(-1);
            if (size >= 0) {
                outputs.put(output.path("name").asText(),
                        ByteBuffer.wrap(response.body(), at, size).slice().order(ByteOrder.LITTLE_ENDIAN));
                at += size;
            }
        }
        assertEquals(response.body().length, at, "the binary outputs fill the body after the header");
        return new Binary(answer, outputs);
    }

    /** A BYTES element as binary data: its length as a little-endian uint32, then its bytes. */
    private static byte[] element(byte[] value) {
        return ByteBuffer.allocate(4 + value.length).order(ByteOrder.LITTLE_ENDIAN).putInt(value.length).put(value).array();
    }

    private static Map<String, JsonNode> byName(JsonNode outputs) {
        Map<String, JsonNode> named = new HashMap<>();
        outputs.forEach(output -> named.put(output.path("name").asText(), output));
        return named;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asInt()));
        return values;
    }

    private static float[] floats(JsonNode array) {
        float[] values = new float[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).floatValue();
        }
        return values;
    }
}
