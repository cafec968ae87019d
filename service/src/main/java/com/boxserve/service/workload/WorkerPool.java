package com.boxserve.service.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's work: a bounded queue and a fixed set of worker threads, each owning one
 * {@link Runner} (for a model, a DJL Predictor, which is not thread-safe). Knows nothing of HTTP.
 *
 * <p>A full queue refuses work at once ({@link QueueFullException}) instead of letting latency
 * grow without bound; a job whose deadline passed while it waited is answered with
 * {@link DeadlineExceededException} instead of being run for nobody. With {@link Batching} on,
 * a worker runs compatible queued jobs together in one call of its runner.
 *
 * @param <I> a job's input
 * @param <O> a job's output
 */
public final class WorkerPool<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
    private static final long POLL_MILLIS = 50;

    private final String name;
    private final int capacity;
    private final BlockingQueue<Job<I, O>> queue;
    private final Batching<I> batching;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean accepting = true;

    /** What one worker runs jobs with; it is used by that worker's thread alone. */
    public interface Runner<I, O> extends AutoCloseable {

        O run(I input) throws Exception;

        /** Several compatible jobs at once (dynamic batching); one at a time unless a runner does better. */
        default List<O> runBatch(List<I> inputs) throws Exception {
            List<O> outputs = new ArrayList<>();
            for (I input : inputs) {
                outputs.add(run(input));
            }
            return outputs;
        }

        @Override
        void close();
    }

    /**
     * Dynamic batching: a worker that takes a job waits up to {@code maxWait} for more, up to
     * {@code maxSize} in all, that may share one forward with it ({@code compatible}); the
     * first that may not waits for the next round.
     */
    public record Batching<I>(int maxSize, Duration maxWait, BiPredicate<I, I> compatible) {

        public static <I> Batching<I> off() {
            return new Batching<>(1, Duration.ZERO, (a, b) -> false);
        }
    }

    /** What a worker returns: the output, how long the job waited and ran, and how many jobs shared its forward. */
    public record Outcome<O>(O output, long queueNanos, long inferenceNanos, int batchSize) {
    }

    private record Job<I, O>(I input, Instant deadline, long enqueuedNanos, CompletableFuture<Outcome<O>> future) {
    }

    public WorkerPool(String name, int workerCount, int capacity, Supplier<? extends Runner<I, O>> runners) {
        this(name, workerCount, capacity, runners, Batching.off());
    }

    public WorkerPool(String name, int workerCount, int capacity, Supplier<? extends Runner<I, O>> runners,
            Batching<I> batching) {
        if (workerCount < 1 || capacity < 1 || batching.maxSize() < 1) {
            throw new IllegalArgumentException(name + ": workers, queue capacity and batch size must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
        this.batching = batching;
        this.queue = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < workerCount; i++) {
            Runner<I, O> runner = runners.get();
            Thread worker = new Thread(() -> work(runner), name + "-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    /**
     * Queues one job.
     *
     * @throws QueueFullException when the queue is full
     * @throws PoolClosedException when the pool no longer takes work
     */
    public CompletableFuture<Outcome<O>> submit(I input, Instant deadline) {
        if (!accepting) {
            throw new PoolClosedException(name);
        }
        Job<I, O> job = new Job<>(input, deadline, System.nanoTime(), new CompletableFuture<>());
        if (!queue.offer(job)) {
            throw new QueueFullException(name, capacity);
        }
        return job.future();
    }

    public String name() {
        return name;
    }

    public int queueDepth() {
        return queue.size();
    }

    public int capacity() {
        return capacity;
    }

    public int workerCount() {
        return workers.size();
    }

    /** Stops taking work and waits up to {@code drain} for queued and running jobs to finish. */
    public void close(Duration drain) {
        accepting = false;
        long deadline = System.nanoTime() + drain.toNanos();
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Job<I, O> left = queue.poll(); left != null; left = queue.poll()) {
            left.future().completeExceptionally(new PoolClosedException(name));
        }
        workers.stream().filter(Thread::isAlive).forEach(Thread::interrupt);
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    private void work(Runner<I, O> runner) {
        Job<I, O> held = null;
        try (runner) {
            while (accepting || !queue.isEmpty() || held != null) {
                Job<I, O> job = held != null ? held : queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                held = null;
                if (job == null || !live(job)) {
                    continue;
                }
                List<Job<I, O>> batch = new ArrayList<>(List.of(job));
                long waitUntil = System.nanoTime() + batching.maxWait().toNanos();
                while (batch.size() < batching.maxSize()) {
                    Job<I, O> next = queue.poll(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    if (!live(next)) {
                        continue;
                    }
                    if (!batching.compatible().test(job.input(), next.input())) {
                        held = next;
                        break;
                    }
                    batch.add(next);
                }
                run(runner, batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** False for a job nobody waits for any more, or whose deadline passed in the queue (answered here). */
    private boolean live(Job<I, O> job) {
        if (job.future().isDone()) {
            return false; // the caller gave up waiting
        }
        if (Instant.now().isAfter(job.deadline())) {
            job.future().completeExceptionally(new DeadlineExceededException(name,
                    Duration.ofNanos(System.nanoTime() - job.enqueuedNanos())));
            return false;
        }
        return true;
    }

    private void run(Runner<I, O> runner, List<Job<I, O>> batch) {
        long started = System.nanoTime();
        try {
            List<O> outputs = batch.size() == 1 ? List.of(runner.run(batch.get(0).input()))
                    : runner.runBatch(batch.stream().map(Job::input).toList());
            long inference = System.nanoTime() - started;
            for (int i = 0; i < batch.size(); i++) {
                Job<I, O> job = batch.get(i);
                job.future().complete(new Outcome<>(outputs.get(i), started - job.enqueuedNanos(), inference, batch.size()));
            }
        } catch (Exception | Error e) {
            log.debug("{}: inference failed", name, e);
            batch.forEach(job -> job.future().completeExceptionally(e));
        }
    }
}
