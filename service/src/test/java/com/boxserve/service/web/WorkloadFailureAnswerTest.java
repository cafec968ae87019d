package com.boxserve.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.workload.SleepingRunner;
import com.boxserve.service.workload.WorkerPool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * A forward that fails alone and one that fails in a batch reach the client as the same answer:
 * same status, same problem type, same outcome name, and nothing of the cause's internals.
 */
class WorkloadFailureAnswerTest {

    private static final Instant LATER = Instant.now().plusSeconds(60);

    /** Fails every run, alone or batched, as an engine error would. */
    private static final class FailingForward implements WorkerPool.Runner<Integer, Integer> {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        @Override
        public Integer run(Integer input) {
            batchSizes.add(1);
            throw new IllegalStateException("ai.djl.engine.EngineException: forward failed at native frame 0x7f");
        }

        @Override
        public List<Integer> runBatch(List<Integer> inputs) {
            batchSizes.add(inputs.size());
            throw new IllegalStateException("ai.djl.engine.EngineException: batched forward failed at native frame 0x7f");
        }

        @Override
        public void close() {
        }
    }

    @Test
    void batchedAndUnbatchedRunFailuresGetTheSameAnswer() throws Exception {
        FailingForward alone = new FailingForward();
        ServiceFailure unbatched;
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, () -> alone)) {
            unbatched = assertThrows(ServiceFailure.class, () -> pool.call(1, LATER));
        }
        FailingForward together = new FailingForward();
        WorkerPool.Batching<Integer> always = new WorkerPool.Batching<>(2, Duration.ofSeconds(2), (a, b) -> true);
        ServiceFailure batched;
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, () -> together, always, WorkerPool.QueuePolicy.fifo())) {
            CompletableFuture<WorkerPool.Outcome<Integer>> first = CompletableFuture.supplyAsync(() -> pool.call(1, LATER));
            CompletableFuture<WorkerPool.Outcome<Integer>> second = CompletableFuture.supplyAsync(() -> pool.call(2, LATER));
            ExecutionException failed = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
            assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
            batched = (ServiceFailure) failed.getCause();
        }
        assertEquals(List.of(1), alone.batchSizes);
        assertEquals(List.of(2), together.batchSizes, "the two calls shared one failing forward");

        assertEquals(FailureKind.RUN_FAILED, unbatched.kind());
        assertEquals(FailureKind.RUN_FAILED, batched.kind());
        assertEquals("failed", batched.kind().outcome());

        ApiExceptionHandler handler = new ApiExceptionHandler();
        ResponseEntity<Object> one = handler.failure(unbatched);
        ResponseEntity<Object> two = handler.failure(batched);
        assertEquals(500, one.getStatusCode().value());
        assertEquals(one.getStatusCode(), two.getStatusCode());
        ProblemDetail a = (ProblemDetail) one.getBody();
        ProblemDetail b = (ProblemDetail) two.getBody();
        assertEquals("urn:boxserve:problem:run-failed", a.getType().toString());
        assertEquals(a.getType(), b.getType());
        assertEquals(a.getDetail(), b.getDetail());
        assertFalse(a.getDetail().contains("EngineException") || a.getDetail().contains("0x7f"),
                "the cause's internals stay in the log: " + a.getDetail());
        assertEquals("application/problem+json", one.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE));
    }

    /**
     * A caller whose deadline passes while another's job runs is told to come back when the jobs
     * ahead are likely done, as measured: after a job of 1.5 s, two callers on one worker make 3 s,
     * not the one-second floor that a pool which never ran anything answers.
     */
    @Test
    void aDeadlineCarriesTheRetryAfterItMeasured() throws Exception {
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, SleepingRunner::new)) {
            pool.call(1500, LATER);
            long service = pool.serviceTime().toNanos();
            CompletableFuture<WorkerPool.Outcome<Integer>> running = CompletableFuture.supplyAsync(() -> pool.call(2000,
                    LATER));
            while (pool.admitted() == 0 || pool.queueDepth() > 0) {
                Thread.sleep(10);
            }
            ServiceFailure late = assertThrows(ServiceFailure.class, () -> pool.call(1, Instant.now().plusMillis(300)));
            assertEquals(FailureKind.DEADLINE_EXCEEDED, late.kind());
            long expected = (2 * service + 999_999_999L) / 1_000_000_000L;
            assertTrue(expected >= 3, "two callers of 1.5 s on one worker: " + expected + " s");
            assertEquals(Duration.ofSeconds(expected), late.retryAfter().orElseThrow());
            ResponseEntity<Object> answer = new ApiExceptionHandler().failure(late);
            assertEquals(504, answer.getStatusCode().value());
            assertEquals("urn:boxserve:problem:deadline-exceeded", ((ProblemDetail) answer.getBody()).getType().toString());
            assertEquals(Long.toString(expected), answer.getHeaders().getFirst(HttpHeaders.RETRY_AFTER));
            assertEquals(2000, running.get(10, TimeUnit.SECONDS).output());
        }
    }
}
