package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The hostile-input corpus: requests a tester would throw at a model server, by category (images,
 * framing, parameters, management, training). Each is sent as raw bytes and must get its status
 * and problem type, with no stack trace or class name in the body; after each, the service must
 * still be READY and give the same detections on the reference image as before the first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class HostileRequestsTest {

    private static final String DETECT = "/v1/models/" + TestModels.FAST + "/detect";
    private static final String MODEL = "/v1/models/" + TestModels.FAST;
    private static final int MAX_BYTES = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reference image's detections before the first case: every case must leave them as they were. */
    private static JsonNode reference;
    /** Status counts by category, printed at the end for the note. */
    private static final Map<String, Map<Integer, Integer>> SEEN = new TreeMap<>();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", () -> TestModels.exported().toString());
        registry.add("boxserve.models.include", () -> TestModels.FAST);
        registry.add("boxserve.models.required", () -> TestModels.FAST);
        registry.add("boxserve.models.workers", () -> "1");
        registry.add("boxserve.models.queue-capacity", () -> "4");
        registry.add("boxserve.images.max-bytes", () -> Integer.toString(MAX_BYTES));
        registry.add("boxserve.images.max-pixels", () -> "20000000");
        registry.add("boxserve.images.max-images-per-request", () -> "4");
    }

    /** One hostile request and the answer it must get: {@code type} null for a 200. */
    record Case(String category, String name, byte[] request, int status, String type) {
    }

    static Stream<Arguments> corpus() {
        List<Arguments> cases = new ArrayList<>();
        images(cases);
        framing(cases);
        parameters(cases);
        management(cases);
        training(cases);
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isAnsweredCleanlyAndChangesNothing(Case hostile) throws Exception {
        if (reference == null) {
            TestModels.awaitReadiness("http://127.0.0.1:" + port);
            reference = referenceDetections();
        }
        RawHttp.Answer answer = RawHttp.exchange(port, hostile.request());
        synchronized (SEEN) {
            SEEN.computeIfAbsent(hostile.category(), c -> new TreeMap<>()).merge(answer.status(), 1, Integer::sum);
        }
        assertEquals(hostile.status(), answer.status(), hostile.name() + ": " + answer);
        if (hostile.type() != null) {
            assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), answer.toString());
            JsonNode problem = JSON.readTree(answer.body());
            assertEquals("urn:boxserve:problem:" + hostile.type(), problem.path("type").asText(), answer.body());
            assertEquals(hostile.status(), problem.path("status").asInt(), answer.body());
            assertFalse(problem.path("detail").asText().isBlank(), answer.body());
        }
        for (String leak : List.of("Exception", "\tat ", "java.", "springframework", "<html")) {
            assertFalse(answer.body().contains(leak), "the answer leaks '" + leak + "': " + answer.body());
        }
        assertEquals("READY", JSON.readTree(RawHttp.exchange(port, get(MODEL)).body()).path("status").asText(),
                "the model is still READY");
        assertEquals(reference, referenceDetections(), "the reference image's detections are unchanged");
    }

    @AfterAll
    static void printCorpus() {
        System.out.println("hostile-input corpus, statuses seen by category: " + SEEN);
    }

    private JsonNode referenceDetections() throws Exception {
        RawHttp.Answer answer = RawHttp.exchange(port, post(DETECT, "image/png", TestImages.resource("photo.png")));
        assertEquals(200, answer.status(), answer.toString());
        JsonNode detections = JSON.readTree(answer.body()).path("detections");
        assertFalse(detections.isEmpty(), "the reference image has detections to compare");
        return detections;
    }

    // ---------------------------------------------------------------- the corpus

    private static void images(List<Arguments> cases) {
        byte[] photo = TestImages.resource("photo.png");
        byte[] jpeg = TestImages.resource("photo.jpg");
        add(cases, "images", "an empty body", post(DETECT, "image/png", new byte[0]), 400, "invalid-request");
        add(cases, "images", "text sent as a JPEG", post(DETECT, "image/jpeg", utf8("this is text, not a JPEG")), 415, "unsupported-image");
        add(cases, "images", "half a JPEG", post(DETECT, "image/jpeg", Arrays.copyOf(jpeg, jpeg.length / 2)), 415, "unsupported-image");
        add(cases, "images", "a JPEG start-of-image marker alone", post(DETECT, "image/jpeg", bytes(0xFF, 0xD8)), 415, "unsupported-image");
        add(cases, "images", "a JPEG marker then noise", post(DETECT, "image/jpeg", concat(bytes(0xFF, 0xD8, 0xFF, 0xE0), noise(4096))), 415, "unsupported-image");
        add(cases, "images", "half a PNG", post(DETECT, "image/png", Arrays.copyOf(photo, photo.length / 2)), 415, "unsupported-image");
        add(cases, "images", "a PNG signature alone", post(DETECT, "image/png", Arrays.copyOf(photo, 8)), 415, "unsupported-image");
        add(cases, "images", "a PNG whose IHDR fails its CRC", post(DETECT, "image/png", flipCrc(photo, "IHDR")), 415, "unsupported-image");
        add(cases, "images", "a PNG whose IDAT fails its CRC", post(DETECT, "image/png", flipCrc(photo, "IDAT")), 415, "unsupported-image");
        add(cases, "images", "a PNG whose IHDR length runs past the file", post(DETECT, "image/png", longIhdr(photo)), 415, "unsupported-image");
        add(cases, "images", "a PNG cut before IEND", post(DETECT, "image/png", Arrays.copyOf(photo, TestImages.chunkOffset(photo, "IEND"))), 415, "unsupported-image");
        add(cases, "images", "a PNG of width 0", post(DETECT, "image/png", TestImages.png(TestImages.chunk("IHDR", TestImages.ihdr(0, 10, 8, 2)),
                TestImages.chunk("IDAT", TestImages.deflate(new byte[10])), TestImages.chunk("IEND", new byte[0]))), 415, "unsupported-image");
        add(cases, "images", "a PNG of bit depth 3", post(DETECT, "image/png", TestImages.png(TestImages.chunk("IHDR", TestImages.ihdr(4, 4, 3, 2)),
                TestImages.chunk("IDAT", TestImages.deflate(new byte[64])), TestImages.chunk("IEND", new byte[0]))), 415, "unsupported-image");
        add(cases, "images", "a PNG whose IDAT is not zlib", post(DETECT, "image/png", TestImages.png(TestImages.chunk("IHDR", TestImages.ihdr(4, 4, 8, 2)),
                TestImages.chunk("IDAT", noise(64)), TestImages.chunk("IEND", new byte[0]))), 415, "unsupported-image");
        add(cases, "images", "a 30000x30000 PNG bomb", post(DETECT, "image/png", TestImages.resource("bomb-30000x30000.png")), 413, "image-too-large");
        add(cases, "images", "a 5000x5000 PNG header, over max-pixels", post(DETECT, "image/png", TestImages.png(
                TestImages.chunk("IHDR", TestImages.ihdr(5000, 5000, 8, 2)), TestImages.chunk("IDAT", TestImages.deflate(new byte[15001])),
                TestImages.chunk("IEND", new byte[0]))), 413, "image-too-large");
        add(cases, "images", "a GIF header alone", post(DETECT, "image/gif", utf8("GIF89a")), 415, "unsupported-image");
        add(cases, "images", "a BMP header alone", post(DETECT, "image/bmp", concat(utf8("BM"), new byte[12])), 415, "unsupported-image");
        add(cases, "images", "a RIFF header with no WebP in it", post(DETECT, "image/webp", concat(utf8("RIFF\0\0\0\0WEBPVP8 "), noise(64))), 415, "unsupported-image");
        add(cases, "images", "64 KB of noise", post(DETECT, "application/octet-stream", noise(65_536)), 415, "unsupported-image");
        add(cases, "images", "64 KB of zeros", post(DETECT, "application/octet-stream", new byte[65_536]), 415, "unsupported-image");
        add(cases, "images", "a ZIP file", post(DETECT, "application/octet-stream", concat(utf8("PK\u0003\u0004"), noise(256))), 415, "unsupported-image");
        add(cases, "images", "an SVG", post(DETECT, "image/svg+xml", utf8("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>")), 415, "unsupported-image");
        add(cases, "images", "a PDF", post(DETECT, "application/octet-stream", utf8("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n")), 415, "unsupported-image");
        add(cases, "images", "a 4000x2 sliver", post(DETECT, "image/png", TestImages.noisePng(4000, 2)), 422, "image-shape-unsupported");
        add(cases, "images", "a 2x3000 sliver", post(DETECT, "image/png", TestImages.noisePng(2, 3000)), 422, "image-shape-unsupported");
        // 640 / 4000 = 0.16: the 320 model takes a short side of 7 (1.12 px at the network), not 6 (0.96 px)
        add(cases, "images", "a 4000x6 sliver, one pixel too thin", post(DETECT, "image/png", TestImages.noisePng(4000, 6)), 422, "image-shape-unsupported");
        add(cases, "images", "a 4000x7 sliver, just thick enough", post(DETECT, "image/png", TestImages.noisePng(4000, 7)), 200, null);
        add(cases, "images", "a 1x1 image", post(DETECT, "image/png", TestImages.noisePng(1, 1)), 200, null);
        add(cases, "images", "a PNG whose ancillary tEXt chunk fails its CRC (libpng warns only)", post(DETECT, "image/png", withBadText(photo)), 200, null);
        add(cases, "images", "a PNG with bytes after IEND", post(DETECT, "image/png", concat(photo, noise(100))), 200, null);
    }

    private static void framing(List<Arguments> cases) {
        byte[] photo = TestImages.resource("photo.png");
        String boundary = "b0undary";
        add(cases, "framing", "text/plain", post(DETECT, "text/plain", utf8("hello")), 415, "unsupported-media-type");
        add(cases, "framing", "an image sent as application/json", post(DETECT, "application/json", photo), 415, "unsupported-media-type");
        add(cases, "framing", "GET on detect", get(DETECT), 405, "method-not-allowed");
        add(cases, "framing", "PUT on detect", request("PUT", DETECT, "Content-Type: image/png", photo), 405, "method-not-allowed");
        add(cases, "framing", "an unknown method", request("BREW", DETECT, "Content-Type: image/png", photo), 405, "method-not-allowed");
        add(cases, "framing", "Accept: application/xml", request("POST", DETECT, "Content-Type: image/png\r\nAccept: application/xml", photo), 406, "not-acceptable");
        add(cases, "framing", "a Content-Length of 30 MB with no body", head("POST", DETECT, "Content-Type: image/png\r\nContent-Length: 31457280"), 413, "image-too-large");
        add(cases, "framing", "a chunked body over the limit", chunked(DETECT, "image/png", concat(photo, noise(MAX_BYTES))), 413, "image-too-large");
        add(cases, "framing", "a multipart body declared over the limit", head("POST", DETECT,
                "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: 31457280"), 413, "image-too-large");
        add(cases, "framing", "a chunked multipart body over the limit", chunked(DETECT, "multipart/form-data; boundary=" + boundary,
                RawHttp.multipart(boundary, "image", "image/png", List.of(photo, noise(MAX_BYTES)))), 413, "image-too-large");
        add(cases, "framing", "multipart without a boundary", post(DETECT, "multipart/form-data",
                RawHttp.multipart(boundary, "image", "image/png", List.of(photo))), 400, "bad-multipart");
        add(cases, "framing", "multipart without its closing boundary", post(DETECT, "multipart/form-data; boundary=" + boundary,
                concat(utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a\"\r\n\r\n"), photo)), 400, "bad-multipart");
        add(cases, "framing", "multipart with no part named image", post(DETECT, "multipart/form-data; boundary=" + boundary,
                RawHttp.multipart(boundary, "picture", "image/png", List.of(photo))), 400, "bad-request");
        add(cases, "framing", "multipart with an empty image part", post(DETECT, "multipart/form-data; boundary=" + boundary,
                RawHttp.multipart(boundary, "image", "image/png", List.of(new byte[0]))), 400, "invalid-request");
        add(cases, "framing", "multipart with five images, the limit four", post(DETECT, "multipart/form-data; boundary=" + boundary,
                RawHttp.multipart(boundary, "image", "image/png", List.of(photo, photo, photo, photo, photo))), 400, "invalid-request");
        add(cases, "framing", "multipart whose part is text", post(DETECT, "multipart/form-data; boundary=" + boundary,
                RawHttp.multipart(boundary, "image", "text/plain", List.of(utf8("not an image")))), 415, "unsupported-image");
        add(cases, "framing", "an encoded slash in the model name", get("/v1/models/a%2Fb/detect"), 400, "bad-request");
        add(cases, "framing", "a NUL in the path", get("/v1/models/a%00b"), 400, "bad-request");
        add(cases, "framing", "a 100 KB query string", get(MODEL + "?q=" + "a".repeat(100_000)), 414, "uri-too-long");
        add(cases, "framing", "a 20 KB header", head("GET", MODEL, "X-Filler: " + "a".repeat(20_000)), 431, "request-header-fields-too-large");
        add(cases, "framing", "an unknown model", post("/v1/models/yolo/detect", "image/png", photo), 404, "unknown-model");
        add(cases, "framing", "a 300-character model name", post("/v1/models/" + "m".repeat(300) + "/detect", "image/png", photo), 404, "unknown-model");
        add(cases, "framing", "a model name with an encoded space", post("/v1/models/fasterrcnn%20mobilenet/detect", "image/png", photo), 404, "unknown-model");
        add(cases, "framing", "a Content-Length that is not a number", head("POST", DETECT, "Content-Type: image/png\r\nContent-Length: lots"), 400, "bad-request");
        add(cases, "framing", "HTTP/1.1 with no Host", ascii("GET " + MODEL + " HTTP/1.1\r\nConnection: close\r\n\r\n"), 400, "bad-request");
        add(cases, "framing", "a request line that is not HTTP", ascii("HELLO\r\n\r\n"), 400, "bad-request");
    }

    private static void parameters(List<Arguments> cases) {
        byte[] photo = TestImages.resource("photo.png");
        for (String[] query : new String[][] {
                {"threshold=abc", "bad-request"}, {"threshold=-1", "invalid-request"}, {"threshold=2", "invalid-request"},
                {"threshold=NaN", "invalid-request"}, {"threshold=0.0000001", "invalid-request"},
                {"classes=unicorn", "invalid-request"}, {"classes=person,,999", "invalid-request"},
                {"maxDetections=0", "invalid-request"}, {"maxDetections=-5", "invalid-request"},
                {"maxDetections=99999999999", "bad-request"}}) {
            add(cases, "parameters", query[0], post(DETECT + "?" + query[0], "image/png", photo), 400, query[1]);
        }
    }

    private static void management(List<Arguments> cases) {
        for (String body : List.of("{\"workers\": 0}", "{\"workers\": 100000}", "{\"queueCapacity\": -1}",
                "{\"device\": \"gpu99999\"}", "{\"engine\": \"tensorflow\"}", "{\"batchSize\": 65}", "{\"batchWait\": \"PT5S\"}",
                "{\"workerz\": 2}", "{\"workers\": \"many\"}", "{\"workers\": 1,", "[1, 2]", "\"pytorch\"")) {
            add(cases, "management", "PUT " + body, request("PUT", MODEL, "Content-Type: application/json", utf8(body)), 400, "invalid-request");
        }
        add(cases, "management", "PUT text/plain", request("PUT", MODEL, "Content-Type: text/plain", utf8("workers=2")), 415, "unsupported-media-type");
        add(cases, "management", "PUT an unknown model", request("PUT", "/v1/models/yolo", "Content-Type: application/json", utf8("{}")), 404, "unknown-model");
        add(cases, "management", "DELETE an unknown model", request("DELETE", "/v1/models/yolo", "Accept: application/json", new byte[0]), 404, "unknown-model");
        add(cases, "management", "PATCH a model", request("PATCH", MODEL, "Content-Type: application/json", utf8("{}")), 405, "method-not-allowed");
    }

    private static void training(List<Arguments> cases) {
        String json = "Content-Type: application/json";
        String derivative = "/v1/autograd/derivative";
        String pool = "/v1/tensors/pool";
        String regression = "/v1/training/linear-regression";
        String networks = "/v1/training/networks";
        for (String[] c : new String[][] {
                {"an expression that does not parse", derivative, "{\"expression\": \"x**\", \"x\": [1]}", "400", "invalid-request"},
                {"points that are not numbers", derivative, "{\"expression\": \"x*x\", \"x\": [\"a\"]}", "400", "invalid-request"},
                {"a derivative with an empty body", derivative, "", "400", "invalid-request"},
                {"an expression 100 KB long", derivative, "{\"expression\": \"" + "x+".repeat(50_000) + "x\", \"x\": [1]}", "400", "invalid-request"},
                {"pooling by average", pool, "{\"input\": [[1, 2], [3, 4]], \"mode\": \"avg\", \"kernel\": [2, 2]}", "400", "invalid-request"},
                {"a pooling kernel larger than the input", pool, "{\"input\": [[1, 2], [3, 4]], \"mode\": \"max\", \"kernel\": [3, 3]}", "400", "invalid-request"},
                {"ragged pooling rows", pool, "{\"input\": [[1, 2], [3]], \"mode\": \"max\", \"kernel\": [1, 1]}", "400", "invalid-request"},
                {"a regression with an unknown field", regression, "{\"x\": [1, 2], \"y\": [2, 4], \"learningrate\": 0.1}", "400", "invalid-request"},
                {"a regression with fewer targets than samples", regression, "{\"x\": [1, 2, 3], \"y\": [2, 4]}", "400", "invalid-request"},
                {"a regression that diverges", regression, "{\"x\": [1, 2, 3], \"y\": [2, 4, 6], \"learningRate\": 1000, \"epochs\": 50}", "422", "training-diverged"},
                {"a network with no layers", networks, "{\"inputShape\": [2], \"layers\": []}", "400", "invalid-request"},
                {"a network of an unknown preset", networks, "{\"preset\": \"resnet\"}", "400", "invalid-request"},
                {"a layer that is not an object", networks, "{\"inputShape\": [2], \"layers\": [3]}", "400", "invalid-request"},
                {"a layer with a string for a size", networks, "{\"inputShape\": [2], \"layers\": [{\"kind\": \"linear\", \"outFeatures\": \"2\"}]}", "400", "invalid-request"},
                {"a sample of a trillion values", networks, "{\"dryRun\": true, \"inputShape\": [1000000, 1000000], \"layers\": [{\"kind\": \"relu\"}]}", "400", "invalid-request"},
                {"a network of ten billion parameters", networks, "{\"dryRun\": true, \"inputShape\": [100000], \"layers\": [{\"kind\": \"linear\", \"outFeatures\": 100000}]}", "400", "invalid-request"},
                {"a padding far past the input", networks, "{\"inputShape\": [1, 4, 4], \"layers\": [{\"kind\": \"conv2d\", \"outChannels\": 1, \"kernelSize\": 1, \"padding\": 1000000}], \"data\": {\"inputs\": [[[[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]]], \"targets\": [1]}}", "400", "invalid-request"},
                {"batch normalisation of one sample", networks, "{\"inputShape\": [2], \"layers\": [{\"kind\": \"batchNorm1d\"}], \"data\": {\"inputs\": [[1, 2]], \"targets\": [[1, 2]]}}", "400", "invalid-request"},
                {"a class index past the classes", networks, "{\"inputShape\": [2], \"layers\": [{\"kind\": \"linear\", \"outFeatures\": 2}], \"loss\": \"crossEntropy\", \"data\": {\"inputs\": [[1, 2]], \"targets\": [7]}}", "400", "invalid-request"},
                {"a network with nothing to train", networks, "{\"inputShape\": [2], \"layers\": [{\"kind\": \"linear\", \"outFeatures\": 1, \"trainable\": false}], \"data\": {\"inputs\": [[1, 2]], \"targets\": [1]}}", "400", "invalid-request"},
                {"a padding of two billion", networks, "{\"dryRun\": true, \"inputShape\": [1, 1, 1], \"layers\": [{\"kind\": \"conv2d\", \"outChannels\": 1, \"kernelSize\": 1, \"padding\": 2147483647}]}", "400", "invalid-request"},
                {"ten thousand and one inputs to predict", networks, "{\"preset\": \"linear-module\", \"predict\": [" + "0, ".repeat(10_000) + "0]}", "400", "invalid-request"},
                {"a value past float32", networks, "{\"preset\": \"linear-module\", \"predict\": [1e39]}", "400", "invalid-request"},
                {"a vocabulary over its cap", networks, "{\"dryRun\": true, \"inputShape\": [4], \"layers\": [{\"kind\": \"embedding\", \"numEmbeddings\": 1000000, \"embeddingDim\": 2}]}", "400", "invalid-request"},
                {"a sequence over its cap", networks, "{\"dryRun\": true, \"inputShape\": [100000, 1], \"layers\": [{\"kind\": \"lstm\", \"hiddenSize\": 2}]}", "400", "invalid-request"},
                {"a token id past the vocabulary", networks, "{\"inputShape\": [2], \"layers\": [{\"kind\": \"embedding\", \"numEmbeddings\": 3, \"embeddingDim\": 2}, {\"kind\": \"flatten\"}, {\"kind\": \"linear\", \"outFeatures\": 1}], \"data\": {\"inputs\": [[1, 7]], \"targets\": [1]}}", "400", "invalid-request"},
                {"an embedding after another layer", networks, "{\"dryRun\": true, \"inputShape\": [2], \"layers\": [{\"kind\": \"relu\"}, {\"kind\": \"embedding\", \"numEmbeddings\": 3, \"embeddingDim\": 2}]}", "400", "invalid-request"},
                {"a billion recurrent layers", networks, "{\"dryRun\": true, \"inputShape\": [4, 1], \"layers\": [{\"kind\": \"rnn\", \"hiddenSize\": 1, \"numLayers\": 1000000000}]}", "400", "invalid-request"},
                {"a negative padding id", networks, "{\"dryRun\": true, \"inputShape\": [4], \"layers\": [{\"kind\": \"embedding\", \"numEmbeddings\": 3, \"embeddingDim\": 2, \"paddingIdx\": -1}]}", "400", "invalid-request"},
                {"a padding mask after positions are mixed", networks, "{\"dryRun\": true, \"inputShape\": [8], \"layers\": [{\"kind\": \"embedding\", \"numEmbeddings\": 5, \"embeddingDim\": 4, \"paddingIdx\": 0}, {\"kind\": \"conv1d\", \"outChannels\": 6, \"kernelSize\": 1}, {\"kind\": \"transformerEncoder\", \"nhead\": 2, \"paddingMask\": true}]}", "400", "invalid-request"},
                {"attention too large for a batch", networks, "{\"inputShape\": [512], \"layers\": [{\"kind\": \"embedding\", \"numEmbeddings\": 4, \"embeddingDim\": 8}, {\"kind\": \"transformerEncoder\", \"nhead\": 8, \"dimFeedforward\": 8, \"output\": \"mean\"}, {\"kind\": \"linear\", \"outFeatures\": 1}], \"data\": {\"inputs\": [" + ("[" + "1, ".repeat(511) + "1], ").repeat(3) + "[" + "1, ".repeat(511) + "1]], \"targets\": [1, 1, 1, 1]}}", "400", "invalid-request"},
                {"a network that diverges", networks, "{\"preset\": \"linear-module\", \"optimizer\": {\"kind\": \"sgd\", \"learningRate\": 9}}", "422", "training-diverged"}}) {
            add(cases, "training", c[0], request("POST", c[1], json, utf8(c[2])), Integer.parseInt(c[3]), c[4]);
        }
        add(cases, "training", "an unknown example", request("POST", "/v1/training/examples/nope", "Accept: application/json", new byte[0]), 404, "not-found");
    }

    // ---------------------------------------------------------------- requests as bytes

    private static void add(List<Arguments> cases, String category, String name, byte[] request, int status, String type) {
        cases.add(Arguments.of(Named.of(category + ": " + name, new Case(category, name, request, status, type))));
    }

    private static byte[] get(String target) {
        return head("GET", target, null);
    }

    private static byte[] post(String target, String contentType, byte[] body) {
        return request("POST", target, "Content-Type: " + contentType, body);
    }

    private static byte[] request(String method, String target, String headers, byte[] body) {
        return concat(head(method, target, headers + "\r\nContent-Length: " + body.length), body);
    }

    /** A request's head alone: for a declared body that never comes, or none. */
    private static byte[] head(String method, String target, String headers) {
        return ascii(method + " " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + (headers == null ? "" : headers + "\r\n") + "\r\n");
    }

    private static byte[] chunked(String target, String contentType, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head("POST", target, "Content-Type: " + contentType + "\r\nTransfer-Encoding: chunked"));
        for (int at = 0; at < body.length; at += 65_536) {
            int size = Math.min(65_536, body.length - at);
            out.writeBytes(ascii(Integer.toHexString(size) + "\r\n"));
            out.write(body, at, size);
            out.writeBytes(ascii("\r\n"));
        }
        out.writeBytes(ascii("0\r\n\r\n"));
        return out.toByteArray();
    }

    private static byte[] flipCrc(byte[] png, String type) {
        byte[] damaged = png.clone();
        int at = TestImages.chunkOffset(png, type);
        int length = ByteBuffer.wrap(png).getInt(at);
        damaged[at + 8 + length] ^= 0x01;
        return damaged;
    }

    private static byte[] longIhdr(byte[] png) {
        byte[] damaged = png.clone();
        ByteBuffer.wrap(damaged).putInt(8, 0x7fff_0000);
        return damaged;
    }

    /** A tEXt chunk with a wrong CRC, placed before IDAT. */
    private static byte[] withBadText(byte[] png) {
        byte[] text = TestImages.chunk("tEXt", utf8("Comment\0hostile"));
        text[text.length - 1] ^= 0x01;
        int idat = TestImages.chunkOffset(png, "IDAT");
        return concat(Arrays.copyOf(png, idat), text, Arrays.copyOfRange(png, idat, png.length));
    }

    private static byte[] noise(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
