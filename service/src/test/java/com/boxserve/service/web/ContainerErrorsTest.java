package com.boxserve.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import com.boxserve.service.TestModels;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the web server refuses by itself is answered as problem details too, and the service goes
 * on: a body that stops arriving (408 after the read timeout), and requests Tomcat rejects before
 * Spring sees them. Raw sockets, since HTTP clients will not send most of these.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.tomcat.connection-timeout=1s")
class ContainerErrorsTest {

    private static final String PATH = "/v1/training/linear-regression";

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
    }

    @Test
    void aStalledBodyIsAnswered408AsAProblem() throws Exception {
        long started = System.nanoTime();
        String answer = exchange("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 500\r\n\r\n{\"x\": [1, 2");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertProblem(answer, 408, "request-timeout");
        assertTrue(answer.contains("\"instance\":\"" + PATH + "\""), answer);
        assertTrue(seconds < 20, "cut off by the 1 s read timeout, not a client's patience: " + seconds + " s");
        assertStillServing();
    }

    @Test
    void requestsTheWebServerRejectsGetProblemsNotHtml() throws Exception {
        String[] targets = {"/v1/models/a%2Fb/detect", "/v1/models/a%00b", "/v1/models?q=" + "a".repeat(100_000)};
        for (String target : targets) {
            assertProblem(exchange("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                    400, "bad-request");
        }
        assertProblem(exchange("GET /v1/models HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n"), 400, "bad-request");
        assertStillServing();
    }

    private static void assertProblem(String answer, int status, String type) {
        assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
        assertTrue(answer.contains("Content-Type: application/problem+json"), answer);
        assertTrue(answer.contains("\"type\":\"urn:boxserve:problem:" + type + "\""), answer);
        assertFalse(answer.contains("<html") || answer.contains("Exception"), answer);
    }

    private void assertStillServing() throws Exception {
        HttpResponse<String> next = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/training/examples/autograd"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, next.statusCode(), next.body());
    }

    /** Sends these bytes as they are and reads until the server closes. */
    private String exchange(String raw) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
