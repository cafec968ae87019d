package com.boxserve.service.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.BoxserveApplication;
import com.boxserve.service.ServiceHttp;
import com.boxserve.service.TestImages;
import com.boxserve.service.TestModels;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Prometheus (Debian's package) scrapes the running service on loopback; its HTTP API
 * must show the target up and the request-latency histogram counting exactly the detect
 * requests made, per model.
 */
class PrometheusScrapeTest {

    @TempDir
    Path temp;

    @Test
    void prometheusCountsExactlyTheRequestsMadePerModel() throws Exception {
        Path prometheus = ExternalTools.require("prometheus", "prometheus");
        Path models = TestModels.exported();
        ConfigurableApplicationContext service = SpringApplication.run(BoxserveApplication.class,
                "--server.port=0", "--server.address=127.0.0.1", "--boxserve.models.directory=" + models,
                "--boxserve.models.include=" + TestModels.FAST, "--boxserve.models.queue-capacity=16");
        Process scraper = null;
        try {
            int port = ((WebServerApplicationContext) service).getWebServer().getPort();
            String base = "http://127.0.0.1:" + port;
            TestModels.awaitReadiness(base);
            ServiceHttp http = new ServiceHttp(base);
            String detect = "/v1/models/" + TestModels.FAST + "/detect";
            byte[] image = TestImages.resource("photo.png");
            int requests = 7;
            for (int i = 0; i < requests; i++) {
                HttpResponse<String> response = http.post(detect, "image/png", image);
                assertEquals(200, response.statusCode(), response.body());
            }
            // one refused request must not count as a success
            http.post(detect, "image/png", "text".getBytes(StandardCharsets.UTF_8));

            int prometheusPort = freePort();
            Path config = temp.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: boxserve
                        metrics_path: /actuator/prometheus
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(port));
            scraper = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + temp.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                    .redirectErrorStream(true).redirectOutput(temp.resolve("prometheus.log").toFile()).start();
            ServiceHttp api = new ServiceHttp("http://127.0.0.1:" + prometheusPort);

            JsonNode up = query(api, "up{job=\"boxserve\"}", result -> result.size() == 1
                    && "1".equals(result.get(0).path("value").get(1).asText()));
            assertEquals("1", up.get(0).path("value").get(1).asText(), "target up");
            String count = "sum by (model) (boxserve_detect_request_seconds_count{outcome=\"success\"})";
            JsonNode counted = query(api, count, result -> result.size() == 1);
            assertEquals(TestModels.FAST, counted.get(0).path("metric").path("model").asText());
            assertEquals(requests, Double.parseDouble(counted.get(0).path("value").get(1).asText()));
            JsonNode buckets = query(api, "count(boxserve_detect_request_seconds_bucket{outcome=\"success\"})",
                    result -> result.size() == 1);
            assertTrue(Double.parseDouble(buckets.get(0).path("value").get(1).asText()) > 10, "a real histogram");
            JsonNode rejected = query(api, "sum(boxserve_detect_requests_total{outcome=\"rejected\"})",
                    result -> result.size() == 1);
            assertEquals(1.0, Double.parseDouble(rejected.get(0).path("value").get(1).asText()));
        } finally {
            if (scraper != null) {
                scraper.destroy();
                scraper.waitFor();
            }
            service.close();
        }
    }

    /** Asks Prometheus until the result satisfies the condition (scrapes take a second or two). */
    private JsonNode query(ServiceHttp api, String promql, Predicate<JsonNode> ready) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode result = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = api.get("/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
                if (response.statusCode() == 200) {
                    result = ServiceHttp.json(response).path("data").path("result");
                    if (ready.test(result)) {
                        return result;
                    }
                }
            } catch (java.io.IOException starting) {
                // Prometheus is still starting
            }
            Thread.sleep(500);
        }
        throw new AssertionError("Prometheus never answered " + promql + " as expected; last: " + result
                + "\n" + Files.readString(temp.resolve("prometheus.log")));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
