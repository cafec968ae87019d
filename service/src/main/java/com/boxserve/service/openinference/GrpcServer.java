package com.boxserve.service.openinference;

import com.boxserve.service.detection.ImageProperties;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.security.AdminAccess;
import com.boxserve.service.security.SecurityProperties;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The gRPC port ({@code boxserve.grpc.port}, 8081 by default; off with {@code boxserve.grpc.enabled=false}):
 * the protocol's {@code GRPCInferenceService} behind the API token (as {@code authorization: Bearer ...}
 * metadata, when tokens are set) with a call's priority class from its metadata ({@link GrpcPriority}), {@code grpc.health.v1} for probes and server reflection for tools
 * such as grpcurl, both open. A message may be as large as an HTTP body: {@code boxserve.images.max-bytes}.
 * It starts with the web server and stops before the models do, finishing the calls in flight.
 */
@Component
public class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization",
            Metadata.ASCII_STRING_MARSHALLER);
    private static final String SERVICE = "inference.GRPCInferenceService";

    private final GrpcProperties properties;
    private final GrpcInferenceService inference;
    private final DetectorRegistry registry;
    private final SecurityProperties security;
    private final ImageProperties limits;
    private final AdminAccess admin;
    private volatile Server server;

    GrpcServer(GrpcProperties properties, GrpcInferenceService inference, DetectorRegistry registry,
            SecurityProperties security, ImageProperties limits, AdminAccess admin) {
        this.properties = properties;
        this.inference = inference;
        this.registry = registry;
        this.security = security;
        this.limits = limits;
        this.admin = admin;
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            return;
        }
        try {
            server = NettyServerBuilder.forPort(properties.port())
                    .maxInboundMessageSize((int) Math.min(Integer.MAX_VALUE, limits.maxBytes().toBytes()))
                    // the last interceptor runs first: the token, then the priority class it may open
                    .addService(ServerInterceptors.intercept(inference, new GrpcPriority(admin), new Tokens()))
                    .addService(new Health())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("the gRPC port " + properties.port() + " cannot be opened", e);
        }
        log.info("gRPC (Open Inference Protocol) on port {}", server.getPort());
    }

    @Override
    public void stop() {
        Server running = server;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(30, TimeUnit.SECONDS)) {
                running.shutdownNow();
            }
        } catch (InterruptedException e) {
            running.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port it listens on (the one asked for, or the one given for 0); -1 when off. */
    public int port() {
        Server running = server;
        return running == null ? -1 : running.getPort();
    }

    /**
     * The API token, checked for every call of the inference service before its message is read, but
     * for its ServerLive and ServerReady, open for probes as REST's {@code /v2/health} routes are.
     */
    private final class Tokens implements ServerInterceptor {

        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                ServerCallHandler<Q, A> next) {
            String presented = SecurityProperties.bearer(headers.get(AUTHORIZATION));
            String method = call.getMethodDescriptor().getBareMethodName();
            boolean health = "ServerLive".equals(method) || "ServerReady".equals(method);
            if (!health && !security.admitsApi(presented)) {
                return GrpcFailures.refuse(call, Status.UNAUTHENTICATED.withDescription(presented == null
                        ? "this API needs the metadata authorization: Bearer <token>" : "the token is not valid"));
            }
            return next.startCall(call, headers);
        }
    }

    /** SERVING once every required model is READY, as {@code /v2/health/ready}; for the server and its service. */
    private final class Health extends HealthGrpc.HealthImplBase {

        @Override
        public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> responses) {
            if (!request.getService().isEmpty() && !request.getService().equals(SERVICE)) {
                responses.onError(Status.NOT_FOUND.withDescription("no service " + request.getService())
                        .asRuntimeException());
                return;
            }
            responses.onNext(HealthCheckResponse.newBuilder().setStatus(registry.requiredReady()
                    ? HealthCheckResponse.ServingStatus.SERVING : HealthCheckResponse.ServingStatus.NOT_SERVING).build());
            responses.onCompleted();
        }
    }
}
