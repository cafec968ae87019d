package com.boxserve.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.zoo.ImageShapeException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * Every kind of failure, its answer and its metric outcome, in one table: a kind added without a
 * row here fails, so none reaches a client unanswered or a dashboard uncounted.
 */
class FailureAnswersTest {

    private static final Map<FailureKind, String> ANSWERS = new LinkedHashMap<>();

    static {
        ANSWERS.put(FailureKind.INVALID_REQUEST, "400 invalid-request rejected");
        ANSWERS.put(FailureKind.UNAUTHORIZED, "401 unauthorized rejected");
        ANSWERS.put(FailureKind.FORBIDDEN, "403 forbidden rejected");
        ANSWERS.put(FailureKind.UNKNOWN_MODEL, "404 unknown-model rejected");
        ANSWERS.put(FailureKind.UNKNOWN_EVALUATION, "404 unknown-evaluation rejected");
        ANSWERS.put(FailureKind.EVALUATION_NOT_FINISHED, "409 evaluation-not-finished rejected");
        ANSWERS.put(FailureKind.IMAGE_TOO_LARGE, "413 image-too-large rejected");
        ANSWERS.put(FailureKind.DATASET_TOO_LARGE, "413 dataset-too-large rejected");
        ANSWERS.put(FailureKind.UNSUPPORTED_IMAGE, "415 unsupported-image rejected");
        ANSWERS.put(FailureKind.IMAGE_SHAPE_UNSUPPORTED, "422 image-shape-unsupported rejected");
        ANSWERS.put(FailureKind.TRAINING_DIVERGED, "422 training-diverged diverged");
        ANSWERS.put(FailureKind.MODEL_NOT_READY, "503 model-not-ready unavailable");
        ANSWERS.put(FailureKind.OVERLOADED, "503 overloaded overloaded");
        ANSWERS.put(FailureKind.DEADLINE_UNMEETABLE, "503 deadline-unmeetable overloaded");
        ANSWERS.put(FailureKind.QUEUE_DELAY_EXCEEDED, "503 queue-delay-exceeded shed");
        ANSWERS.put(FailureKind.CLIENT_CLOSED, "499 client-closed client_closed");
        ANSWERS.put(FailureKind.DEADLINE_EXCEEDED, "504 deadline-exceeded timeout");
        ANSWERS.put(FailureKind.UNAVAILABLE, "503 unavailable unavailable");
        ANSWERS.put(FailureKind.RUN_FAILED, "500 run-failed failed");
    }

    private final ApiExceptionHandler handler = new ApiExceptionHandler();

    @Test
    void everyKindHasItsStatusProblemTypeAndOutcome() {
        assertEquals(Arrays.asList(FailureKind.values()), ANSWERS.keySet().stream().toList(), "a row per kind, in order");
        ANSWERS.forEach((kind, expected) -> {
            ResponseEntity<Object> answer = handler.failure(new ServiceFailure(kind, "what went wrong"));
            ProblemDetail problem = (ProblemDetail) answer.getBody();
            assertEquals(expected, answer.getStatusCode().value() + " "
                    + problem.getType().toString().substring("urn:boxserve:problem:".length()) + " "
                    + FailureKind.outcomeOf(new ServiceFailure(kind, "x")), kind.name());
            assertEquals(kind.title(), problem.getTitle());
            assertEquals("what went wrong", problem.getDetail());
            assertEquals("application/problem+json", answer.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE));
        });
    }

    @Test
    void anythingElseIsABugCountedAsError() {
        assertEquals("error", FailureKind.outcomeOf(new IllegalStateException("a bug")));
        assertEquals("error", FailureKind.outcomeOfStatus(500));
        assertEquals("rejected", FailureKind.outcomeOfStatus(415));
    }

    @Test
    void theAnswerCarriesTheRetryTimeAndTheFieldsBesideTheDetail() {
        ResponseEntity<Object> busy = handler.failure(ServiceFailure.retryable(FailureKind.OVERLOADED, "busy",
                Duration.ofSeconds(3)));
        assertEquals("3", busy.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
        ResponseEntity<Object> failed = handler.failure(ServiceFailure.retryable(FailureKind.MODEL_NOT_READY, "failed",
                null));
        assertNull(failed.getHeaders().getFirst(HttpHeaders.RETRY_AFTER), "waiting does not mend a failed load");
        ResponseEntity<Object> anonymous = handler.failure(new ServiceFailure(FailureKind.UNAUTHORIZED, "a token"));
        assertEquals("Bearer", anonymous.getHeaders().getFirst(HttpHeaders.WWW_AUTHENTICATE));
        ResponseEntity<Object> thin = handler.failure(ServiceFailure.of(new ImageShapeException("thin", 7)));
        assertEquals(7, ((ProblemDetail) thin.getBody()).getProperties().get("smallestShortSide"));
    }

    @Test
    void aFailedRunTellsTheClientOnlyThatItFailed() {
        ServiceFailure failed = ServiceFailure.runFailed("m", new IllegalStateException("native frame 0x7f"));
        assertEquals("m failed to run the request; the failure is logged",
                ((ProblemDetail) handler.failure(failed).getBody()).getDetail());
        assertEquals("m failed to run the request: java.lang.IllegalStateException: native frame 0x7f", failed.getMessage());
    }
}
