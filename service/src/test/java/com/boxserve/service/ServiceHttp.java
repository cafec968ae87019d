package com.boxserve.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The service over real HTTP, as the tests call it (and the Prometheus one of them starts): every
 * request is built in one place, and answers are read as text, since JSON, problem details and
 * metrics all are.
 */
public final class ServiceHttp {

    public static final ObjectMapper JSON = new ObjectMapper();

    // a server that is not listening fails a test in seconds instead of leaving it waiting
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** The service on {@code localhost}. */
    public ServiceHttp(int port) {
        this("http://localhost:" + port);
    }

    /** A server at {@code base}, such as {@code http://127.0.0.1:8080}, for a test that must name the address. */
    public ServiceHttp(String base) {
        this.base = base;
    }

    public URI uri(String path) {
        return URI.create(base + path);
    }

    /** For a request the methods below do not make, or an answer that is not text (an image). */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> answer)
            throws IOException, InterruptedException {
        return http.send(request, answer);
    }

    /** Without a Content-Type where {@code contentType} is null, and without a body where {@code body} is. */
    public HttpResponse<String> send(String method, String path, String contentType, byte[] body,
            Map<String, String> headers) throws IOException, InterruptedException {
        return send(request(method, path, contentType, body, headers), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path, null, null, Map.of());
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        return send("POST", path, contentType, body, Map.of());
    }

    /** For requests that must all be in flight at once. */
    public CompletableFuture<HttpResponse<String>> postAsync(String path, String contentType, byte[] body) {
        return http.sendAsync(request("POST", path, contentType, body, Map.of()), HttpResponse.BodyHandlers.ofString());
    }

    /** A String goes as it is, since tests write their JSON (broken JSON too); anything else as Jackson writes it. */
    public HttpResponse<String> sendJson(String method, String path, Object body)
            throws IOException, InterruptedException {
        byte[] json = body instanceof String text
                ? text.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
        return send(method, path, "application/json", json, Map.of());
    }

    /** Each image in a part named {@code image}, the way the detect endpoint takes several at once. */
    public HttpResponse<String> postMultipart(String path, List<byte[]> images)
            throws IOException, InterruptedException {
        String boundary = UUID.randomUUID().toString();
        return post(path, "multipart/form-data; boundary=" + boundary,
                RawHttp.multipart(boundary, "image", "application/octet-stream", images));
    }

    /** Parts of any names, files and fields. */
    public HttpResponse<String> postParts(String path, List<RawHttp.Part> parts)
            throws IOException, InterruptedException {
        String boundary = UUID.randomUUID().toString();
        return post(path, "multipart/form-data; boundary=" + boundary, RawHttp.multipart(boundary, parts));
    }

    /** Polls a JSON resource until it answers 200 with what {@code condition} accepts, three minutes at most. */
    public void await(String path, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = get(path);
            if (response.statusCode() == 200 && condition.test(json(response))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " never reached the expected state: " + get(path).body());
    }

    public static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private HttpRequest request(String method, String path, String contentType, byte[] body,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return request.build();
    }
}
