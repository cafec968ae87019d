package com.boxserve.service.openinference;

import com.boxserve.service.detection.DetectionAdmission;
import com.boxserve.service.security.AdminAccess;
import com.boxserve.service.workload.Priority;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/**
 * A call's priority class from its {@code request-priority} metadata, HTTP's {@code Request-Priority}
 * header under gRPC's lower-case rule: {@code high} for the operator only ({@link AdminAccess}, the
 * same rule as REST's), a malformed class refused, none the default. The class travels in the
 * call's {@link Context} to {@link GrpcInferenceService}.
 */
final class GrpcPriority implements ServerInterceptor {

    static final Context.Key<Priority> CLASS = Context.keyWithDefault("boxserve-priority", Priority.DEFAULT);
    private static final Metadata.Key<String> HEADER = Metadata.Key.of(
            DetectionAdmission.PRIORITY.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER);

    private final AdminAccess admin;

    GrpcPriority(AdminAccess admin) {
        this.admin = admin;
    }

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
            ServerCallHandler<Q, A> next) {
        Priority priority;
        try {
            priority = Priority.parse(headers.get(HEADER));
            if (priority == Priority.HIGH) {
                admin.require(headers.get(GrpcServer.AUTHORIZATION), peer(call), "the high priority class");
            }
        } catch (IllegalArgumentException malformed) {
            return GrpcFailures.refuse(call, Status.INVALID_ARGUMENT.withDescription("the request-priority metadata "
                    + malformed.getMessage()));
        } catch (RuntimeException refused) {
            return GrpcFailures.refuse(call, GrpcFailures.of(refused).getStatus());
        }
        return Contexts.interceptCall(Context.current().withValue(CLASS, priority), call, headers, next);
    }

    private static String peer(ServerCall<?, ?> call) {
        SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        return remote instanceof InetSocketAddress address && address.getAddress() != null
                ? address.getAddress().getHostAddress() : "";
    }
}
