package com.boxserve.service.networks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A network that trains past {@code max-seconds} stops and answers what it did: its own context, a short limit. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NetworkTimeLimitTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
        registry.add("boxserve.training.max-seconds", () -> "2");
    }

    @Test
    void aRunPastTheTimeLimitAnswersTheEpochsDone() throws Exception {
        HttpResponse<String> response = new ServiceHttp(port).sendJson("POST", "/v1/training/networks",
                Map.of("preset", "linear-module", "epochs", 100000, "batchSize", 1));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode result = ServiceHttp.json(response);
        String stopped = result.path("stoppedEarly").asText();
        assertTrue(stopped.contains("time limit of 2 s"), stopped);
        int done = result.path("epochsDone").asInt();
        assertTrue(done > 0 && done < 100000, "epochs done: " + done);
        assertEquals(done, result.path("history").size(), "every epoch done is in the history, and no other");
        assertTrue(result.path("durationMs").asDouble() >= 2000, "the time spent is answered");
    }
}
