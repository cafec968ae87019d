package com.boxserve.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import com.boxserve.service.RawHttp;
import com.boxserve.service.ServiceHttp;
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
        RawHttp.Answer answer = exchange("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 500\r\n\r\n{\"x\": [1, 2");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertProblem(answer, 408, "request-timeout");
        assertTrue(answer.body().contains("\"instance\":\"" + PATH + "\""), answer.toString());
        assertTrue(seconds < 20, "cut off by the 1 s read timeout, not a client's patience: " + seconds + " s");
        assertStillServing();
    }

    @Test
    void requestsTheWebServerRejectsGetProblemsNotHtml() throws Exception {
        for (String target : new String[] {"/v1/models/a%2Fb/detect", "/v1/models/a%00b"}) {
            assertProblem(exchange("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"),
                    400, "bad-request");
        }
        assertProblem(exchange("GET /v1/models?q=" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: close\r\n\r\n"), 414, "uri-too-long");
        // a URI that fits, then headers that do not
        assertProblem(exchange("GET /v1/models?q=" + "a".repeat(6_000) + " HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n"), 431, "request-header-fields-too-large");
        assertStillServing();
    }

    private static void assertProblem(RawHttp.Answer answer, int status, String type) {
        assertEquals(status, answer.status(), answer.toString());
        assertTrue(answer.header("Content-Type").startsWith("application/problem+json"), answer.toString());
        assertTrue(answer.body().contains("\"type\":\"urn:boxserve:problem:" + type + "\""), answer.toString());
        assertFalse(answer.body().contains("<html") || answer.body().contains("Exception"), answer.toString());
    }

    private void assertStillServing() throws Exception {
        HttpResponse<String> next = new ServiceHttp("http://127.0.0.1:" + port)
                .post("/v1/training/examples/autograd", null, null);
        assertEquals(200, next.statusCode(), next.body());
    }

    private RawHttp.Answer exchange(String raw) throws Exception {
        return RawHttp.exchange(port, raw);
    }
}
