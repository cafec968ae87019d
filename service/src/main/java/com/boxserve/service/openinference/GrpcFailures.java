package com.boxserve.service.openinference;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * The service's failures as gRPC statuses: the one switch this protocol needs. The detail is the
 * description; a retry time goes in a {@code retry-after} trailer, in seconds, as HTTP's header.
 */
final class GrpcFailures {

    static final Metadata.Key<String> RETRY_AFTER = Metadata.Key.of("retry-after", Metadata.ASCII_STRING_MARSHALLER);

    private GrpcFailures() {
    }

    static StatusRuntimeException of(RuntimeException failure) {
        if (!(failure instanceof ServiceFailure known)) {
            return Status.INTERNAL.withDescription("the service failed to answer; the failure is logged")
                    .asRuntimeException();
        }
        Metadata trailers = new Metadata();
        known.retryAfter().ifPresent(after -> trailers.put(RETRY_AFTER, Long.toString(after.toSeconds())));
        return status(known.kind()).withDescription(known.detail()).asRuntimeException(trailers);
    }

    /** Ends a call before its message is read: what an interceptor answers with. */
    static <Q, A> ServerCall.Listener<Q> refuse(ServerCall<Q, A> call, Status status) {
        call.close(status, new Metadata());
        return new ServerCall.Listener<>() {
        };
    }

    static Status status(FailureKind kind) {
        return switch (kind) {
            case INVALID_REQUEST, UNSUPPORTED_IMAGE, IMAGE_SHAPE_UNSUPPORTED -> Status.INVALID_ARGUMENT;
            case UNAUTHORIZED -> Status.UNAUTHENTICATED;
            case FORBIDDEN -> Status.PERMISSION_DENIED;
            case UNKNOWN_MODEL, UNKNOWN_EVALUATION -> Status.NOT_FOUND;
            case EVALUATION_NOT_FINISHED -> Status.FAILED_PRECONDITION;
            // a message over the byte limit, like the shedding of work: what the server will take is spent
            case IMAGE_TOO_LARGE, DATASET_TOO_LARGE, OVERLOADED, QUEUE_DELAY_EXCEEDED -> Status.RESOURCE_EXHAUSTED;
            case CLIENT_CLOSED -> Status.CANCELLED;
            case TRAINING_DIVERGED -> Status.FAILED_PRECONDITION;
            case MODEL_NOT_READY, UNAVAILABLE -> Status.UNAVAILABLE;
            case DEADLINE_EXCEEDED, DEADLINE_UNMEETABLE -> Status.DEADLINE_EXCEEDED;
            case RUN_FAILED -> Status.INTERNAL;
        };
    }
}
