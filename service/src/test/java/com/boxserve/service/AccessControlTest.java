package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.openinference.GrpcServer;
import com.boxserve.service.openinference.grpc.GRPCInferenceServiceGrpc;
import com.boxserve.service.openinference.grpc.ModelInferRequest;
import com.boxserve.service.openinference.grpc.ServerLiveRequest;
import com.boxserve.service.openinference.grpc.ServerMetadataRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** With tokens configured: the API, the admin API and the metrics each need theirs; health stays open. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability
@ExtendWith(OutputCaptureExtension.class)
class AccessControlTest {

    private static final String TOKEN = "user-token-7f3a9c";
    private static final String ADMIN = "admin-token-c41d2e";
    private static final String METRICS = "metrics-token-9b8e1f";

    @LocalServerPort
    int port;
    @Autowired
    GrpcServer grpc;
    private ServiceHttp http;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("boxserve.models.directory", TestModels::none);
        registry.add("boxserve.security.token", () -> TOKEN);
        registry.add("boxserve.security.admin-token", () -> ADMIN);
        registry.add("boxserve.security.metrics-token", () -> METRICS);
    }

    @BeforeEach
    void connect() {
        http = new ServiceHttp(port);
    }

    @Test
    void theApiNeedsTheToken(CapturedOutput output) throws Exception {
        HttpResponse<String> missing = send("GET", "/v1/models", null);
        assertEquals(401, missing.statusCode());
        assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElse(""));
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElse(""));
        assertTrue(missing.body().contains("Authorization: Bearer"), missing.body());
        assertEquals(401, send("GET", "/v1/models", "wrong").statusCode());
        assertEquals(401, send("GET", "/v1/models", TOKEN + "x").statusCode());
        assertEquals(401, send("POST", "/v1/training/examples/autograd", null).statusCode());
        assertEquals(200, send("GET", "/v1/models", TOKEN).statusCode());
        assertEquals(200, send("GET", "/v1/models", ADMIN).statusCode(), "the admin token opens the API too");
        assertEquals(200, send("POST", "/v1/training/examples/autograd", TOKEN).statusCode());
        assertFalse(output.getAll().contains(TOKEN) || output.getAll().contains(ADMIN), "no token in the logs");
    }

    /** The Open Inference Protocol's routes need the token too, in its words; its health routes stay open for probes. */
    @Test
    void theOpenInferenceProtocolNeedsTheTokenButForItsHealth() throws Exception {
        HttpResponse<String> missing = send("GET", "/v2", null);
        assertEquals(401, missing.statusCode());
        assertEquals("application/json", missing.headers().firstValue("Content-Type").orElse(""));
        assertTrue(ServiceHttp.json(missing).path("error").asText().contains("Authorization: Bearer"), missing.body());
        assertEquals(401, send("POST", "/v2/models/fcos_resnet50_fpn/infer", null).statusCode());
        assertEquals(200, send("GET", "/v2", TOKEN).statusCode());
        assertEquals(200, send("GET", "/v2/health/live", null).statusCode());
        assertEquals(404, send("GET", "/v2/models/fcos_resnet50_fpn/ready", TOKEN).statusCode(), "past the door");
    }

    /** gRPC: the inference service needs the token as metadata; health stays open for probes. */
    @Test
    void grpcNeedsTheTokenButForHealth() {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", grpc.port()).usePlaintext().build();
        try {
            GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub = GRPCInferenceServiceGrpc.newBlockingStub(
                    channel).withDeadlineAfter(30, TimeUnit.SECONDS);
            StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                    () -> stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNAUTHENTICATED, missing.getStatus().getCode());
            assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive(), "open for probes, as /v2/health");
            Metadata token = new Metadata();
            token.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
            assertEquals("boxserve", stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token))
                    .serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
            assertEquals(HealthCheckResponse.ServingStatus.NOT_SERVING, HealthGrpc.newBlockingStub(channel)
                    .check(HealthCheckRequest.getDefaultInstance()).getStatus(), "no model here: open, and not serving");
            // the high class is the operator's, as over HTTP: the admin token gets past it to the
            // registry, which has no such model here
            for (Map.Entry<String, Status.Code> bearer : Map.of(TOKEN, Status.Code.PERMISSION_DENIED,
                    ADMIN, Status.Code.NOT_FOUND).entrySet()) {
                Metadata high = new Metadata();
                high.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + bearer.getKey());
                high.put(Metadata.Key.of("request-priority", Metadata.ASCII_STRING_MARSHALLER), "high");
                StatusRuntimeException answer = assertThrows(StatusRuntimeException.class, () -> stub.withInterceptors(
                        MetadataUtils.newAttachHeadersInterceptor(high)).modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("fcos_resnet50_fpn").build()));
                assertEquals(bearer.getValue(), answer.getStatus().getCode(), answer.getStatus().getDescription());
            }
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void theHighPriorityClassNeedsTheAdminToken() throws Exception {
        HttpResponse<String> user = http.send("POST", "/v1/models/fcos_resnet50_fpn/detect", "image/png", new byte[8],
                Map.of("Authorization", "Bearer " + TOKEN, "Request-Priority", "high"));
        assertEquals(403, user.statusCode(), user.body());
        assertTrue(user.body().contains("the high priority class needs the admin token"), user.body());
        assertEquals(404, http.send("POST", "/v1/models/fcos_resnet50_fpn/detect", "image/png", new byte[8],
                Map.of("Authorization", "Bearer " + ADMIN, "Request-Priority", "high")).statusCode(), "past the door");
    }

    @Test
    void modelManagementNeedsTheAdminToken() throws Exception {
        assertEquals(401, send("DELETE", "/v1/models/fcos_resnet50_fpn", null).statusCode());
        HttpResponse<String> user = send("PUT", "/v1/models/fcos_resnet50_fpn", TOKEN);
        assertEquals(403, user.statusCode(), user.body());
        assertTrue(user.body().contains("admin"), user.body());
        // with the admin token the request reaches the registry, which has no such export here
        assertEquals(404, send("PUT", "/v1/models/fcos_resnet50_fpn", ADMIN).statusCode());
        assertEquals(404, send("DELETE", "/v1/models/fcos_resnet50_fpn", ADMIN).statusCode());
    }

    @Test
    void healthStaysOpenAndMetricsHaveTheirOwnToken() throws Exception {
        assertEquals(200, send("GET", "/actuator/health/liveness", null).statusCode());
        assertEquals(401, send("GET", "/actuator/prometheus", null).statusCode());
        assertEquals(401, send("GET", "/actuator/prometheus", TOKEN).statusCode());
        HttpResponse<String> metrics = send("GET", "/actuator/prometheus", METRICS);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("jvm_memory_used_bytes"));
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
        return http.send(method, path, null, null, headers);
    }
}
