package com.boxserve.service.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.ServiceHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.testcontainers.DockerClientFactory;

/**
 * Builds the image from the Dockerfile (random weights, one model, so it builds offline apart
 * from the package registries) and detects over HTTP. Skipped, saying so, where no Docker
 * engine runs — as on this project's CI machines.
 */
class ContainerImageTest {

    private static final String MODEL = "fasterrcnn_mobilenet_v3_large_320_fpn";

    @BeforeEach
    void needsDocker() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            String reason = "no Docker engine on this machine: the image build and container test run where Docker does";
            System.out.println("SKIPPED ContainerImageTest: " + reason);
            Assumptions.abort(reason);
        }
    }

    @Test
    void theImageServesDetectionsWithNoNetwork() throws Exception {
        ImageFromDockerfile image = new ImageFromDockerfile("boxserve-test", false)
                .withFileFromPath(".", ExternalTools.ROOT)
                .withBuildArg("WEIGHTS", "random")
                .withBuildArg("MODELS", MODEL);
        try (GenericContainer<?> container = new GenericContainer<>(image)
                .withExposedPorts(8080)
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(5)))) {
            container.start();
            String base = "http://" + container.getHost() + ":" + container.getMappedPort(8080);
            byte[] photo = Files.readAllBytes(ExternalTools.ROOT.resolve("service/src/test/resources/images/photo.png"));
            HttpResponse<String> response = new ServiceHttp(base)
                    .post("/v1/models/" + MODEL + "/detect", "image/png", photo);
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.body().contains("\"random\":true"), "random weights are flagged: " + response.body());
        }
    }
}
