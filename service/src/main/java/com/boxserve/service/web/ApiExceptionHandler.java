package com.boxserve.service.web;

import com.boxserve.service.detection.ImageTooLargeException;
import com.boxserve.service.detection.InvalidDetectionRequestException;
import com.boxserve.service.detection.UnsupportedImageException;
import com.boxserve.service.models.InvalidModelSettingsException;
import com.boxserve.service.models.ModelNotReadyException;
import com.boxserve.service.models.UnknownModelException;
import com.boxserve.service.training.InvalidTrainingRequestException;
import com.boxserve.service.training.TrainingDivergedException;
import com.boxserve.service.workload.WorkloadException;
import com.boxserve.zoo.ImageShapeException;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import org.apache.catalina.connector.ClientAbortException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every failure becomes an RFC 7807 {@code application/problem+json} answer, here and nowhere
 * else. Spring's own request errors (bad parameter types, missing parts, unsupported media
 * types, uploads over the multipart limit) are mapped by the base class.
 */
@RestControllerAdvice
public class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);
    /** A model loading or warming up has no queue to measure: a poll interval short beside a load's tens of seconds. */
    private static final String LOADING_RETRY_SECONDS = "5";

    @ExceptionHandler(UnknownModelException.class)
    ResponseEntity<Object> unknownModel(UnknownModelException e) {
        return problem(HttpStatus.NOT_FOUND, "unknown-model", "Unknown model", e.getMessage(), null);
    }

    @ExceptionHandler(AccessDeniedException.class)
    ResponseEntity<Object> denied(AccessDeniedException e) {
        if (e.authenticated()) {
            return problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage(), null);
        }
        ResponseEntity<Object> problem = problem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unauthorized", e.getMessage(), null);
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").body(problem.getBody());
    }

    /** Each feature's own invalid-request failure: the features know what is wrong, this layer what status it is. */
    @ExceptionHandler({InvalidDetectionRequestException.class, InvalidModelSettingsException.class,
            InvalidTrainingRequestException.class})
    ResponseEntity<Object> invalid(RuntimeException e) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", e.getMessage(), null);
    }

    /** A JSON body that does not parse or does not fit its request record: the answer names the field and what it takes. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return problem(HttpStatus.BAD_REQUEST, "invalid-request", "Invalid request", JsonBodyErrors.describe(e), null);
    }

    @ExceptionHandler(ImageTooLargeException.class)
    ResponseEntity<Object> tooLarge(ImageTooLargeException e) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "image-too-large", "Image too large", e.getMessage(), null);
    }

    @ExceptionHandler(UnsupportedImageException.class)
    ResponseEntity<Object> unsupported(UnsupportedImageException e) {
        return problem(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-image", "Unsupported image", e.getMessage(), null);
    }

    /** The image decodes but the model's transform would scale a side to nothing: the body names the side it needs. */
    @ExceptionHandler(ImageShapeException.class)
    ResponseEntity<Object> shape(ImageShapeException e) {
        ResponseEntity<Object> answer = problem(HttpStatus.UNPROCESSABLE_ENTITY, "image-shape-unsupported",
                "Image shape unsupported", e.getMessage(), null);
        ((ProblemDetail) answer.getBody()).setProperty("smallestShortSide", e.smallestShortSide());
        return answer;
    }

    @ExceptionHandler(ModelNotReadyException.class)
    ResponseEntity<Object> notReady(ModelNotReadyException e) {
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "model-not-ready", "Model not ready", e.getMessage(),
                e.willRecover() ? LOADING_RETRY_SECONDS : null);
    }

    /** The workload manager's failures, for detection and training alike: one family, one switch. */
    @ExceptionHandler(WorkloadException.class)
    ResponseEntity<Object> workload(WorkloadException e) {
        String retryAfter = e.retryAfter().map(after -> Long.toString(after.toSeconds())).orElse(null);
        return switch (e.failure()) {
            case QUEUE_FULL -> problem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Overloaded", e.getMessage(), retryAfter);
            case DEADLINE_EXCEEDED -> problem(HttpStatus.SERVICE_UNAVAILABLE, "deadline-exceeded", "Deadline exceeded",
                    e.getMessage(), retryAfter);
            case POOL_CLOSED -> problem(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "Unavailable", e.getMessage(), retryAfter);
            // the worker logged the cause with its stack trace; the client learns only that it failed
            case RUN_FAILED -> problem(HttpStatus.INTERNAL_SERVER_ERROR, "run-failed", "Run failed",
                    e.pool() + " failed to run the request; the failure is logged", null);
        };
    }

    @ExceptionHandler(TrainingDivergedException.class)
    ResponseEntity<Object> diverged(TrainingDivergedException e) {
        return problem(HttpStatus.UNPROCESSABLE_ENTITY, "training-diverged", "Training diverged", e.getMessage(), null);
    }

    /**
     * The client stopped sending or went away while its body was read: nothing of ours failed, so
     * no error log. Tomcat answers a read that timed out with 408, through {@link ContainerErrorController}.
     */
    @ExceptionHandler(ClientAbortException.class)
    void clientGone(ClientAbortException e, HttpServletRequest request) {
        log.info("{} {}: the client stopped sending its request ({})", request.getMethod(), request.getRequestURI(),
                e.getCause() == null ? e.getMessage() : e.getCause().getClass().getSimpleName());
    }

    /** A multipart body over the one byte limit, found while it is parsed (a chunked body declares no length). */
    @Override
    protected ResponseEntity<Object> handleMaxUploadSizeExceededException(MaxUploadSizeExceededException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "image-too-large", "Image too large", "the body has more than "
                + e.getMaxUploadSize() + " bytes; the limit (boxserve.images.max-bytes) is " + e.getMaxUploadSize(), null);
    }

    /**
     * A multipart body the parser gives up on (no closing boundary, no boundary at all): the
     * client's framing, not our failure. Bodies over the size limit are the base class's 413.
     */
    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Object> badMultipart(MultipartException e) {
        return problem(HttpStatus.BAD_REQUEST, "bad-multipart", "Bad multipart body",
                "the multipart body cannot be parsed: parts must be separated by the boundary the Content-Type names"
                        + " and the body must end with the closing boundary", null);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        if (e instanceof ErrorResponse error) {
            // a Spring request error the base class has no handler for: it carries its own problem
            return ResponseEntity.status(error.getStatusCode()).headers(error.getHeaders())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(typed(error.getBody(), error.getStatusCode()));
        }
        log.error("unexpected failure", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error",
                "the service failed to answer; the failure is logged", null);
    }

    /** Spring's own request errors (405, 406, 415, bad parameters...) with our problem types instead of {@code about:blank}. */
    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
            WebRequest request) {
        return super.createResponseEntity(body instanceof ProblemDetail problem ? typed(problem, status) : body, headers,
                status, request);
    }

    private static ProblemDetail typed(ProblemDetail problem, HttpStatusCode status) {
        HttpStatus known = HttpStatus.resolve(status.value());
        if (known != null && URI.create("about:blank").equals(problem.getType())) {
            problem.setType(URI.create("urn:boxserve:problem:" + statusType(known.getReasonPhrase())));
        }
        return problem;
    }

    /** The problem type of an answer that is just its HTTP status: its reason phrase, e.g. {@code request-timeout}. */
    static String statusType(String reasonPhrase) {
        return reasonPhrase.toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    static ResponseEntity<Object> problem(HttpStatus status, String type, String title, String detail,
            String retryAfterSeconds) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("urn:boxserve:problem:" + type));
        problem.setTitle(title);
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (retryAfterSeconds != null) {
            response.header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        }
        return response.body(problem);
    }
}
