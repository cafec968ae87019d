package com.boxserve.service.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The workload manager alone: no HTTP, no model, runners that take as long as a test says. */
class WorkerPoolTest {

    private static final Instant LATER = Instant.now().plusSeconds(60);

    /** Doubles its input after waiting for the gate; counts closes. */
    static final class SlowRunner implements WorkerPool.Runner<Integer, Integer> {
        final CountDownLatch gate;
        final AtomicInteger closed;

        SlowRunner(CountDownLatch gate, AtomicInteger closed) {
            this.gate = gate;
            this.closed = closed;
        }

        @Override
        public Integer run(Integer input) throws Exception {
            gate.await(10, TimeUnit.SECONDS);
            if (input < 0) {
                throw new IllegalArgumentException("negative");
            }
            return input * 2;
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }

    @Test
    void runsJobsAndReportsQueueAndInferenceTime() throws Exception {
        CountDownLatch open = new CountDownLatch(0);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 2, 4, () -> new SlowRunner(open, new AtomicInteger()))) {
            WorkerPool.Outcome<Integer> outcome = pool.submit(21, LATER).get(5, TimeUnit.SECONDS);
            assertEquals(42, outcome.output());
            assertTrue(outcome.queueNanos() >= 0 && outcome.inferenceNanos() >= 0);
            ExecutionException failure = assertThrows(ExecutionException.class, () -> pool.submit(-1, LATER).get(5, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, failure.getCause());
        }
    }

    @Test
    void refusesWorkWhenTheQueueIsFull() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 2, () -> new SlowRunner(gate, new AtomicInteger()))) {
            List<CompletableFuture<WorkerPool.Outcome<Integer>>> accepted = new ArrayList<>();
            accepted.add(pool.submit(1, LATER));
            waitUntil(() -> pool.queueDepth() == 0); // the worker holds job 1
            accepted.add(pool.submit(2, LATER));
            accepted.add(pool.submit(3, LATER));
            assertEquals(2, pool.queueDepth());
            assertThrows(QueueFullException.class, () -> pool.submit(4, LATER));
            gate.countDown();
            for (CompletableFuture<WorkerPool.Outcome<Integer>> job : accepted) {
                assertTrue(job.get(5, TimeUnit.SECONDS).output() > 0);
            }
        }
    }

    @Test
    void answersJobsWhoseDeadlinePassedInTheQueue() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, () -> new SlowRunner(gate, new AtomicInteger()))) {
            CompletableFuture<WorkerPool.Outcome<Integer>> first = pool.submit(1, LATER);
            CompletableFuture<WorkerPool.Outcome<Integer>> late = pool.submit(2, Instant.now().plusMillis(50));
            Thread.sleep(100);
            gate.countDown();
            assertEquals(2, first.get(5, TimeUnit.SECONDS).output());
            ExecutionException expired = assertThrows(ExecutionException.class, () -> late.get(5, TimeUnit.SECONDS));
            assertInstanceOf(DeadlineExceededException.class, expired.getCause());
        }
    }

    @Test
    void shutdownFinishesTheWorkInFlightThenClosesTheRunners() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger closed = new AtomicInteger();
        WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 2, 8, () -> new SlowRunner(gate, closed));
        List<CompletableFuture<WorkerPool.Outcome<Integer>>> inFlight = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            inFlight.add(pool.submit(i, LATER));
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> pool.close(Duration.ofSeconds(10)));
        waitUntil(() -> {
            try {
                pool.submit(99, LATER);
                return false;
            } catch (PoolClosedException e) {
                return true;
            }
        });
        gate.countDown();
        closing.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < inFlight.size(); i++) {
            assertEquals(2 * (i + 1), inFlight.get(i).get(1, TimeUnit.SECONDS).output(), "job " + i + " was lost");
        }
        assertEquals(2, closed.get(), "each worker closes its runner");
    }

    @Test
    void batchesCompatibleJobsAndKeepsTheOthersForTheNextRound() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<List<Integer>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        WorkerPool.Runner<Integer, Integer> runner = new WorkerPool.Runner<>() {
            @Override
            public Integer run(Integer input) throws Exception {
                gate.await(10, TimeUnit.SECONDS);
                calls.add(List.of(input));
                return input * 2;
            }

            @Override
            public List<Integer> runBatch(List<Integer> inputs) {
                calls.add(List.copyOf(inputs));
                return inputs.stream().map(i -> i * 2).toList();
            }

            @Override
            public void close() {
            }
        };
        // even and odd numbers may not share a batch
        WorkerPool.Batching<Integer> parity = new WorkerPool.Batching<>(3, Duration.ofMillis(200), (a, b) -> a % 2 == b % 2);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 16, () -> runner, parity)) {
            CompletableFuture<WorkerPool.Outcome<Integer>> blocker = pool.submit(100, LATER);
            waitUntil(() -> pool.queueDepth() == 0); // the worker holds job 100, waiting at the gate or for a batch
            List<CompletableFuture<WorkerPool.Outcome<Integer>>> jobs = new ArrayList<>();
            for (int input : new int[] {2, 4, 1, 6, 8, 3}) {
                jobs.add(pool.submit(input, LATER));
            }
            gate.countDown();
            assertEquals(200, blocker.get(5, TimeUnit.SECONDS).output());
            for (CompletableFuture<WorkerPool.Outcome<Integer>> job : jobs) {
                WorkerPool.Outcome<Integer> outcome = job.get(5, TimeUnit.SECONDS);
                assertTrue(outcome.batchSize() >= 1 && outcome.batchSize() <= 3);
            }
            for (List<Integer> call : calls) {
                assertTrue(call.size() <= 3, "batch size cap: " + calls);
                assertTrue(call.stream().allMatch(i -> i % 2 == call.get(0) % 2), "only compatible jobs share a batch: " + calls);
            }
            assertEquals(7, calls.stream().mapToInt(List::size).sum(), "every job ran once: " + calls);
            assertTrue(calls.stream().anyMatch(call -> call.size() > 1), "some jobs shared a batch: " + calls);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(5);
        }
    }
}
