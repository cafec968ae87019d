package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ServedModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** Shutting down with requests in flight answers them all; and the byte limit on a raw body. */
class GracefulShutdownTest {

    private static final String DETECT = "/v1/models/" + TestModels.FAST + "/detect";

    @Test
    void finishesTheRequestsInFlightBeforeStopping() throws Exception {
        Path models = TestModels.exported();
        ConfigurableApplicationContext context = SpringApplication.run(BoxserveApplication.class,
                "--server.port=0", "--boxserve.models.directory=" + models,
                "--boxserve.models.include=" + TestModels.FAST, "--boxserve.models.workers=1",
                "--boxserve.models.queue-capacity=16", "--boxserve.images.max-bytes=200KB");
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        byte[] image = TestImages.resource("photo.png");
        TestModels.awaitReadiness("http://localhost:" + port);
        ServiceHttp http = new ServiceHttp(port);

        HttpResponse<String> tooBig = http.post(DETECT, "image/png", new byte[300 * 1024]);
        assertEquals(413, tooBig.statusCode(), tooBig.body());
        assertTrue(tooBig.body().contains("limit"), tooBig.body());

        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            inFlight.add(http.postAsync(DETECT, "image/png", image));
        }
        // the close begins once all six have reached the model, with one running and more waiting behind it
        ServedModel model = context.getBean(DetectorRegistry.class).get(TestModels.FAST);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (model.admitted() + inFlight.stream().filter(CompletableFuture::isDone).count() < inFlight.size()) {
            assertTrue(System.nanoTime() < deadline, "the requests never reached the model");
            Thread.sleep(1);
        }
        int inFlightAtClose = model.admitted();
        context.close();
        assertTrue(inFlightAtClose >= 2, "one request running and others queued when the close began: " + inFlightAtClose);
        for (CompletableFuture<HttpResponse<String>> request : inFlight) {
            HttpResponse<String> response = request.get(60, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode(), "a request in flight at shutdown: " + response.body());
        }
    }
}
