package com.boxserve.service.web;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.JsonBodyErrors;
import com.boxserve.service.failure.ServiceFailure;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.stream.Collectors;
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
import org.springframework.web.bind.MethodArgumentNotValidException;
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

    /**
     * Every refusal and failure of the service's own: the kind names the status, problem type and
     * title; the failure carries the detail, the retry time where waiting helps, and any fields
     * the answer has beside the detail.
     */
    @ExceptionHandler(ServiceFailure.class)
    ResponseEntity<Object> failure(ServiceFailure failure) {
        FailureKind kind = failure.kind();
        ResponseEntity<Object> answer = problem(HttpStatusCode.valueOf(kind.status()), kind.type(), kind.title(),
                failure.detail(), failure.retryAfter().map(after -> Long.toString(after.toSeconds())).orElse(null));
        ProblemDetail body = (ProblemDetail) answer.getBody();
        failure.properties().forEach(body::setProperty);
        if (kind == FailureKind.UNAUTHORIZED) {
            return ResponseEntity.status(answer.getStatusCode()).headers(answer.getHeaders())
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").body(body);
        }
        return answer;
    }

    /** A JSON body that does not parse or does not fit its request record: the answer names the field and what it takes. */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return failure(ServiceFailure.invalid(JsonBodyErrors.describe(e.getCause())));
    }

    /** A request record's constraints (Bean Validation), every field that breaks one named. */
    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        return failure(ServiceFailure.invalid(e.getBindingResult().getFieldErrors().stream()
                .map(error -> error.getField() + ": " + error.getDefaultMessage()).sorted()
                .collect(Collectors.joining("; "))));
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
        return failure(ServiceFailure.bodyTooLarge("has more than " + e.getMaxUploadSize() + " bytes",
                e.getMaxUploadSize()));
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

    static ResponseEntity<Object> problem(HttpStatusCode status, String type, String title, String detail,
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
