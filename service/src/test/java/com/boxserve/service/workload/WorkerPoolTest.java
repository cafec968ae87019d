package com.boxserve.service.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.workload.WorkerPool.QueuePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The workload manager alone: no HTTP, no model, runners that take as long as a test says. */
public class WorkerPoolTest {

    private static final Instant LATER = Instant.now().plusSeconds(60);

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() {
        callers.shutdownNow();
    }

    /** Doubles its input once the gate opens (negative inputs fail); records what it ran and its close. */
    static final class GatedRunner implements WorkerPool.Runner<Integer, Integer> {
        final CountDownLatch gate;
        final List<String> events = new CopyOnWriteArrayList<>();

        GatedRunner(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public Integer run(Integer input) throws Exception {
            events.add("start " + input);
            if (!gate.await(20, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the gate never opened");
            }
            events.add("end " + input);
            if (input < 0) {
                throw new IllegalArgumentException("negative");
            }
            return input * 2;
        }

        @Override
        public void close() {
            events.add("close");
        }
    }

    /** One caller's whole call, on a thread of its own, as a request thread makes it. */
    private <I, O> CompletableFuture<WorkerPool.Outcome<O>> call(WorkerPool<I, O> pool, I input, Instant deadline) {
        return CompletableFuture.supplyAsync(() -> pool.call(input, deadline), callers);
    }

    private static ServiceFailure failure(CompletableFuture<?> call) throws Exception {
        ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(ServiceFailure.class, failed.getCause());
    }

    @Test
    void callsReturnTheOutcomeAndWrapWhatTheRunnerThrew() throws Exception {
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 2, 4, () -> new GatedRunner(new CountDownLatch(0)))) {
            WorkerPool.Outcome<Integer> outcome = pool.call(21, LATER);
            assertEquals(42, outcome.output());
            assertTrue(outcome.queueNanos() >= 0 && outcome.inferenceNanos() >= 0);
            ServiceFailure failed = assertThrows(ServiceFailure.class, () -> pool.call(-1, LATER));
            assertInstanceOf(IllegalArgumentException.class, failed.getCause());
            assertEquals(FailureKind.RUN_FAILED, failed.kind());
            assertEquals("failed", failed.kind().outcome());
            assertEquals(0, pool.admitted(), "every place was given back");
        }
    }

    @Test
    void refusesAtTheDoorWhenEveryPlaceIsTakenAndAdmitsOnceOneIsFree() {
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 2, () -> new GatedRunner(new CountDownLatch(0)))) {
            List<WorkerPool<Integer, Integer>.Admission> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(pool.admit()); // queue of two + one worker: three places, no job queued yet
            }
            assertEquals(3, pool.admitted());
            assertEquals(0, pool.queueDepth());
            ServiceFailure full = assertThrows(ServiceFailure.class, pool::admit);
            assertEquals(FailureKind.OVERLOADED, full.kind());
            assertEquals("overloaded", full.kind().outcome());
            assertTrue(full.retryAfter().orElseThrow().toSeconds() >= 1);
            assertEquals(FailureKind.OVERLOADED, assertThrows(ServiceFailure.class, () -> pool.call(1, LATER)).kind(),
                    "a one-shot call is refused the same way");
            held.remove(0).close();
            try (WorkerPool<Integer, Integer>.Admission admitted = pool.admit()) {
                assertEquals(8, admitted.call(4, LATER).output());
                assertEquals(4, admitted.call(2, LATER).output(), "one place serves several calls");
            }
            held.forEach(WorkerPool.Admission::close);
            assertEquals(0, pool.admitted());
        }
    }

    @Test
    void answersJobsWhoseDeadlinePassedInTheQueueWithoutRunningThem() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, () -> runner)) {
            CompletableFuture<WorkerPool.Outcome<Integer>> first = call(pool, 1, LATER);
            waitUntil(() -> runner.events.contains("start 1"));
            CompletableFuture<WorkerPool.Outcome<Integer>> late = call(pool, 2, Instant.now().plusMillis(100));
            ServiceFailure expired = failure(late);
            assertEquals(FailureKind.DEADLINE_EXCEEDED, expired.kind());
            assertEquals("timeout", expired.kind().outcome());
            assertEquals(0, pool.queueDepth(), "the caller that gave up took its job with it");
            gate.countDown();
            assertEquals(2, first.get(5, TimeUnit.SECONDS).output());
            pool.call(3, LATER);
            assertFalse(runner.events.contains("start 2"), "a job nobody waits for is never run: " + runner.events);
        }
    }

    @Test
    void aCallerTheQueueWouldMakeLateIsRefusedAtOnceAndOneItWouldNotIsAdmitted() throws Exception {
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, SleepingRunner::new)) {
            pool.admit(Priority.DEFAULT, Instant.now()).close(); // no prediction before a job has run
            pool.call(200, LATER);
            CompletableFuture<WorkerPool.Outcome<Integer>> running = call(pool, 200, LATER);
            waitUntil(() -> pool.admitted() == 1);
            // one ahead of 200 ms and its own 200 ms: 400 ms
            ServiceFailure refused = assertThrows(ServiceFailure.class, () -> pool.admit(Priority.DEFAULT, Instant.now().plusMillis(300)));
            assertEquals(FailureKind.DEADLINE_UNMEETABLE, refused.kind());
            assertTrue(refused.detail().startsWith("m would answer in about 4"), refused.detail());
            assertEquals(1, pool.admitted(), "the refused caller took no place");
            try (WorkerPool<Integer, Integer>.Admission admitted = pool.admit(Priority.DEFAULT, Instant.now().plusSeconds(5))) {
                assertEquals(2, pool.admitted());
            }
            running.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anIdlePoolWhoseRunTimeFigureIsStaleAdmitsACallerItWouldRefuse() throws Exception {
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, SleepingRunner::new)) {
            pool.call(120, LATER);
            ServiceFailure refused = assertThrows(ServiceFailure.class, () -> pool.admit(Priority.DEFAULT, Instant.now().plusMillis(50)));
            assertEquals(FailureKind.DEADLINE_UNMEETABLE, refused.kind(), "a fresh figure of 120 ms refuses a 50 ms deadline");
            // stale after max(1 s, 10 runs): a slow machine may have measured more than 120 ms
            Thread.sleep(Math.max(WorkerPool.FIGURE_STALE_AFTER.toMillis(), 10 * pool.serviceTime().toMillis()) + 300);
            try (WorkerPool<Integer, Integer>.Admission held = pool.admit()) {
                ServiceFailure behind = assertThrows(ServiceFailure.class, () -> pool.admit(Priority.DEFAULT, Instant.now().plusMillis(50)));
                assertEquals(FailureKind.DEADLINE_UNMEETABLE, behind.kind(), "with work ahead the old figure still counts");
            }
            pool.admit(Priority.DEFAULT, Instant.now().plusMillis(50)).close(); // idle and stale: admitted, to measure again
            pool.call(10, LATER);
            pool.admit(Priority.DEFAULT, Instant.now().plusMillis(120)).close(); // the new run moved the figure: (4 x 120 + 10) / 5 = 98 ms
        }
    }

    @Test
    void retryAfterIsThePlacesTakenTimesTheRecentServiceTimeOverTheWorkers() throws Exception {
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 2, 10, SleepingRunner::new)) {
            assertEquals(Duration.ZERO, pool.serviceTime());
            assertEquals(Duration.ofSeconds(1), pool.retryAfter(), "at least one second, also before anything ran");
            for (int i = 0; i < 3; i++) {
                pool.call(400, LATER);
            }
            long service = pool.serviceTime().toNanos();
            assertTrue(service >= 400_000_000L && service < 1_000_000_000L, "measured: " + pool.serviceTime());
            List<WorkerPool<Integer, Integer>.Admission> held = new ArrayList<>();
            while (held.size() < 12) {
                held.add(pool.admit());
            }
            ServiceFailure full = assertThrows(ServiceFailure.class, pool::admit);
            assertEquals(FailureKind.OVERLOADED, full.kind());
            long expected = (12 * service / 2 + 999_999_999L) / 1_000_000_000L; // 12 x ~0.4 s / 2 workers: 3 s
            assertEquals(Duration.ofSeconds(expected), full.retryAfter().orElseThrow());
            assertTrue(expected >= 3, "the queue makes it longer than the minimum");
            held.forEach(WorkerPool.Admission::close);
        }
    }

    @Test
    void shutdownFinishesTheWorkInFlightThenClosesTheRunners() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<GatedRunner> runners = new CopyOnWriteArrayList<>();
        WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 2, 8, () -> {
            GatedRunner runner = new GatedRunner(gate);
            runners.add(runner);
            return runner;
        });
        List<CompletableFuture<WorkerPool.Outcome<Integer>>> inFlight = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            inFlight.add(call(pool, i, LATER));
        }
        waitUntil(() -> pool.admitted() == 5 && pool.queueDepth() == 3);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> pool.close(Duration.ofSeconds(10)));
        waitUntil(() -> {
            try {
                pool.admit().close();
                return false;
            } catch (ServiceFailure e) {
                return e.kind() == FailureKind.UNAVAILABLE;
            }
        });
        gate.countDown();
        closing.get(10, TimeUnit.SECONDS);
        for (int i = 0; i < inFlight.size(); i++) {
            assertEquals(2 * (i + 1), inFlight.get(i).get(1, TimeUnit.SECONDS).output(), "job " + i + " was lost");
        }
        assertEquals(2, runners.stream().filter(r -> r.events.contains("close")).count(), "each worker closes its runner");
    }

    @Test
    void closeNeverReturnsUnderARunningJobEvenPastTheDrain() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, () -> runner);
        CompletableFuture<WorkerPool.Outcome<Integer>> running = call(pool, 7, LATER);
        // one at a time: two callers' threads race, and 8 must be the one that waits in the queue
        waitUntil(() -> runner.events.contains("start 7"));
        CompletableFuture<WorkerPool.Outcome<Integer>> queued = call(pool, 8, LATER);
        waitUntil(() -> pool.queueDepth() == 1);
        CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> pool.close(Duration.ofMillis(100)));
        assertThrows(TimeoutException.class, () -> closing.get(1, TimeUnit.SECONDS),
                "close returned while the runner was still running, ten drains after the drain ended");
        assertEquals(FailureKind.UNAVAILABLE, failure(queued).kind(), "what was still queued after the drain is refused");
        assertFalse(runner.events.contains("close"), "the runner is not closed under its job");
        gate.countDown();
        closing.get(5, TimeUnit.SECONDS);
        assertEquals(14, running.get(1, TimeUnit.SECONDS).output(), "the running job still answers");
        assertEquals(List.of("start 7", "end 7", "close"), runner.events, "the runner closes after its job ends");
    }

    @Test
    void aJobThatCannotJoinTheBatchWaitsInTheQueue() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        // even and odd numbers may not share a batch; the worker would wait a long time to fill one
        WorkerPool.Batching<Integer> parity = new WorkerPool.Batching<>(4, Duration.ofSeconds(1), (a, b) -> a % 2 == b % 2);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 8, () -> runner, parity, QueuePolicy.fifo())) {
            CompletableFuture<WorkerPool.Outcome<Integer>> even = call(pool, 2, LATER);
            waitUntil(() -> pool.queueDepth() == 0 && pool.admitted() == 1); // the worker holds 2, gathering a batch
            CompletableFuture<WorkerPool.Outcome<Integer>> odd = call(pool, 1, LATER);
            waitUntil(() -> runner.events.contains("start 2"));
            assertEquals(1, pool.queueDepth(), "the odd job is still in the queue, where the gauge counts it");
            gate.countDown();
            assertEquals(4, even.get(5, TimeUnit.SECONDS).output());
            assertEquals(2, odd.get(5, TimeUnit.SECONDS).output());
        }
    }

    @Test
    void backgroundWorkTakesNoPlaceAndRunsOnlyWhenNoLiveJobWaits() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 1, () -> runner)) {
            CompletableFuture<WorkerPool.Outcome<Integer>> running = CompletableFuture.supplyAsync(
                    () -> pool.callInBackground(10), callers);
            waitUntil(() -> runner.events.contains("start 10"));
            CompletableFuture<WorkerPool.Outcome<Integer>> queuedBackground = CompletableFuture.supplyAsync(
                    () -> pool.callInBackground(20), callers);
            waitUntil(() -> pool.queueDepth() == 1);
            assertEquals(0, pool.admitted(), "background work holds no place");
            CompletableFuture<WorkerPool.Outcome<Integer>> live = call(pool, 1, LATER);
            waitUntil(() -> pool.queueDepth() == 2); // the callers' threads race: 1 must arrive first
            CompletableFuture<WorkerPool.Outcome<Integer>> secondLive = call(pool, 2, LATER);
            waitUntil(() -> pool.queueDepth() == 3);
            gate.countDown();
            assertEquals(20, running.get(5, TimeUnit.SECONDS).output());
            assertEquals(2, live.get(5, TimeUnit.SECONDS).output());
            assertEquals(4, secondLive.get(5, TimeUnit.SECONDS).output());
            assertEquals(40, queuedBackground.get(5, TimeUnit.SECONDS).output());
            assertEquals(List.of("start 10", "end 10", "start 1", "end 1", "start 2", "end 2", "start 20", "end 20"),
                    runner.events, "the live jobs waited behind the one background job in flight, not the queued one");
        }
    }

    @Test
    void anIdleWorkerTakesTheJobABatchCouldNotTake() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Integer> ranBy = new CopyOnWriteArrayList<>();
        WorkerPool.Runner<Integer, Integer> evenWaits = new WorkerPool.Runner<>() {
            @Override
            public Integer run(Integer input) throws Exception {
                if (input % 2 == 0) {
                    gate.await(20, TimeUnit.SECONDS);
                }
                ranBy.add(input);
                return input;
            }

            @Override
            public void close() {
            }
        };
        WorkerPool.Batching<Integer> parity = new WorkerPool.Batching<>(4, Duration.ofMillis(300), (a, b) -> a % 2 == b % 2);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 2, 8, () -> evenWaits, parity, QueuePolicy.fifo())) {
            CompletableFuture<WorkerPool.Outcome<Integer>> even = call(pool, 2, LATER);
            waitUntil(() -> pool.queueDepth() == 0 && pool.admitted() == 1);
            CompletableFuture<WorkerPool.Outcome<Integer>> odd = call(pool, 1, LATER);
            assertEquals(1, odd.get(5, TimeUnit.SECONDS).output(), "the other worker ran it while 2 still waits");
            assertFalse(even.isDone());
            gate.countDown();
            assertEquals(2, even.get(5, TimeUnit.SECONDS).output());
        }
    }

    /** Doubles its input; a lone job waits for the gate; records each call's inputs. */
    static final class BatchRecorder implements WorkerPool.Runner<Integer, Integer> {
        final CountDownLatch gate = new CountDownLatch(1);
        final List<List<Integer>> calls = new CopyOnWriteArrayList<>();
        final Set<Integer> started = ConcurrentHashMap.newKeySet();

        @Override
        public Integer run(Integer input) throws Exception {
            started.add(input);
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
    }

    @Test
    void batchesCompatibleJobsUpToTheSizeCap() throws Exception {
        BatchRecorder runner = new BatchRecorder();
        List<List<Integer>> calls = runner.calls;
        WorkerPool.Batching<Integer> parity = new WorkerPool.Batching<>(3, Duration.ofMillis(200), (a, b) -> a % 2 == b % 2);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 16, () -> runner, parity, QueuePolicy.fifo())) {
            CompletableFuture<WorkerPool.Outcome<Integer>> blocker = call(pool, 100, LATER);
            waitUntil(() -> pool.admitted() == 1 && pool.queueDepth() == 0);
            List<CompletableFuture<WorkerPool.Outcome<Integer>>> jobs = new ArrayList<>();
            for (int input : new int[] {2, 4, 1, 6, 8, 3}) {
                jobs.add(call(pool, input, LATER));
            }
            runner.gate.countDown();
            assertEquals(200, blocker.get(5, TimeUnit.SECONDS).output());
            for (CompletableFuture<WorkerPool.Outcome<Integer>> job : jobs) {
                WorkerPool.Outcome<Integer> outcome = job.get(5, TimeUnit.SECONDS);
                assertTrue(outcome.batchSize() >= 1 && outcome.batchSize() <= 3);
            }
            for (List<Integer> batch : calls) {
                assertTrue(batch.size() <= 3, "batch size cap: " + calls);
                assertTrue(batch.stream().allMatch(i -> i % 2 == batch.get(0) % 2), "only compatible jobs share a batch: " + calls);
            }
            assertEquals(7, calls.stream().mapToInt(List::size).sum(), "every job ran once: " + calls);
            assertTrue(calls.stream().anyMatch(batch -> batch.size() > 1), "some jobs shared a batch: " + calls);
        }
    }

    @Test
    void aBatchTakesCompatibleJobsFromBehindOneThatCannotJoin() throws Exception {
        BatchRecorder runner = new BatchRecorder();
        WorkerPool.Batching<Integer> parity = new WorkerPool.Batching<>(4, Duration.ofMillis(200), (a, b) -> a % 2 == b % 2);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 16, () -> runner, parity, QueuePolicy.fifo())) {
            CompletableFuture<WorkerPool.Outcome<Integer>> blocker = call(pool, 100, LATER);
            waitUntil(() -> runner.started.contains(100));
            // two images of one size with one of another between them, as mixed traffic queues them
            CompletableFuture<WorkerPool.Outcome<Integer>> first = queue(pool, Priority.LOW, 1, 1);
            CompletableFuture<WorkerPool.Outcome<Integer>> between = queue(pool, Priority.LOW, 4, 2);
            CompletableFuture<WorkerPool.Outcome<Integer>> behind = queue(pool, Priority.LOW, 3, 3);
            runner.gate.countDown();
            assertEquals(200, blocker.get(5, TimeUnit.SECONDS).output());
            assertEquals(2, first.get(5, TimeUnit.SECONDS).batchSize());
            assertEquals(2, behind.get(5, TimeUnit.SECONDS).batchSize());
            assertEquals(1, between.get(5, TimeUnit.SECONDS).batchSize());
            assertEquals(List.of(List.of(100), List.of(1, 3), List.of(4)), runner.calls);
        }
    }

    /** One admitted caller's call of the given class, on a thread of its own; it waits in the queue until {@code queued} jobs do. */
    private CompletableFuture<WorkerPool.Outcome<Integer>> queue(WorkerPool<Integer, Integer> pool, Priority priority,
            int input, int queued) throws InterruptedException {
        CompletableFuture<WorkerPool.Outcome<Integer>> call = CompletableFuture.supplyAsync(() -> {
            try (WorkerPool<Integer, Integer>.Admission admission = pool.admit(priority, null)) {
                return admission.call(input, LATER);
            }
        }, callers);
        waitUntil(() -> pool.queueDepth() == queued);
        return call;
    }

    @Test
    void theHighestClassIsTakenFirstAndEachClassHasPlacesOfItsOwn() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 1, () -> runner)) {
            CompletableFuture<WorkerPool.Outcome<Integer>> running = call(pool, 0, LATER);
            waitUntil(() -> runner.events.contains("start 0"));
            List<CompletableFuture<WorkerPool.Outcome<Integer>>> queued = List.of(
                    queue(pool, Priority.LOW, 1, 1), queue(pool, Priority.DEFAULT, 2, 2), queue(pool, Priority.LOW, 3, 3),
                    queue(pool, Priority.HIGH, 4, 4));
            ServiceFailure full = assertThrows(ServiceFailure.class, () -> pool.admit(Priority.DEFAULT, null));
            assertEquals(FailureKind.OVERLOADED, full.kind(), "the default class's two places are taken");
            pool.admit(Priority.HIGH, null).close(); // the high class still has places of its own
            gate.countDown();
            running.get(5, TimeUnit.SECONDS);
            for (CompletableFuture<WorkerPool.Outcome<Integer>> call : queued) {
                call.get(5, TimeUnit.SECONDS);
            }
            assertEquals(List.of("start 0", "start 4", "start 2", "start 1", "start 3"),
                    runner.events.stream().filter(e -> e.startsWith("start")).toList(),
                    "high, then default, then the low ones in their order of arrival");
        }
    }

    @Test
    void aStandingQueueIsServedNewestFirstAndWhatWaitedItsMaxDelayIsShedWithoutRunning() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        QueuePolicy bounded = new QueuePolicy(Duration.ofMillis(600), true);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 8, () -> runner, WorkerPool.Batching.off(),
                bounded)) {
            CompletableFuture<WorkerPool.Outcome<Integer>> running = call(pool, 0, LATER);
            waitUntil(() -> runner.events.contains("start 0"));
            long firstQueued = System.nanoTime();
            CompletableFuture<WorkerPool.Outcome<Integer>> oldest = queue(pool, Priority.DEFAULT, 1, 1);
            CompletableFuture<WorkerPool.Outcome<Integer>> middle = queue(pool, Priority.DEFAULT, 2, 2);
            CompletableFuture<WorkerPool.Outcome<Integer>> newest = queue(pool, Priority.DEFAULT, 3, 3);
            Thread.sleep(Math.max(0, WorkerPool.STANDING_AFTER.toMillis() * 2
                    - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstQueued)));
            gate.countDown();
            running.get(5, TimeUnit.SECONDS);
            newest.get(5, TimeUnit.SECONDS);
            middle.get(5, TimeUnit.SECONDS);
            oldest.get(5, TimeUnit.SECONDS);
            assertEquals(List.of("start 0", "start 3", "start 2", "start 1"),
                    runner.events.stream().filter(e -> e.startsWith("start")).toList(), "newest first under a standing queue");
        }
        CountDownLatch shut = new CountDownLatch(1);
        GatedRunner stuck = new GatedRunner(shut);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 8, () -> stuck, WorkerPool.Batching.off(),
                new QueuePolicy(Duration.ofMillis(200), true))) {
            CompletableFuture<WorkerPool.Outcome<Integer>> running = call(pool, 0, LATER);
            waitUntil(() -> stuck.events.contains("start 0"));
            long queued = System.nanoTime();
            ServiceFailure shed = failure(call(pool, 1, LATER));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - queued);
            assertEquals(FailureKind.QUEUE_DELAY_EXCEEDED, shed.kind());
            assertTrue(waited >= 200 && waited < 2_000, "shed at its max delay, not at its deadline: " + waited + " ms");
            assertTrue(shed.retryAfter().isPresent(), "a shed request is told when to retry");
            assertEquals(0, pool.queueDepth());
            shut.countDown();
            running.get(5, TimeUnit.SECONDS);
            pool.call(2, LATER);
            assertFalse(stuck.events.contains("start 1"), "a shed job never runs: " + stuck.events);
        }
    }

    @Test
    void aCallerWhoseClientHasGoneTakesItsJobBackBeforeItRuns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        GatedRunner runner = new GatedRunner(gate);
        try (WorkerPool<Integer, Integer> pool = new WorkerPool<>("m", 1, 4, () -> runner)) {
            CompletableFuture<WorkerPool.Outcome<Integer>> running = call(pool, 0, LATER);
            waitUntil(() -> runner.events.contains("start 0"));
            AtomicInteger asked = new AtomicInteger();
            AtomicBoolean gone = new AtomicBoolean();
            CompletableFuture<WorkerPool.Outcome<Integer>> abandoned = CompletableFuture.supplyAsync(() -> {
                try (WorkerPool<Integer, Integer>.Admission admission = pool.admit()) {
                    return admission.call(1, LATER, () -> {
                        asked.incrementAndGet();
                        return gone.get();
                    });
                }
            }, callers);
            waitUntil(() -> asked.get() >= 2);
            assertEquals(1, pool.queueDepth(), "still waiting while its client is there");
            gone.set(true);
            assertEquals(FailureKind.CLIENT_CLOSED, failure(abandoned).kind());
            assertEquals(0, pool.queueDepth());
            assertEquals(0, pool.admitted() - 1, "its place is given back; the running caller keeps its own");
            gate.countDown();
            running.get(5, TimeUnit.SECONDS);
            pool.call(2, LATER);
            assertFalse(runner.events.contains("start 1"), "the job of a client that had gone never ran: " + runner.events);
        }
    }

    /** Polls until the condition holds, failing after five seconds. */
    public static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met in 5 s");
            }
            Thread.sleep(5);
        }
    }
}
