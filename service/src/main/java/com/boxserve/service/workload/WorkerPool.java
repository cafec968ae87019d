package com.boxserve.service.workload;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's work: a bounded queue and a fixed set of worker threads, each owning one
 * {@link Runner} (for a model, a DJL Predictor, which is not thread-safe). Knows nothing of HTTP.
 *
 * <p>A full queue refuses work at once ({@link QueueFullException}) instead of letting latency
 * grow without bound; a job whose deadline passed while it waited is answered with
 * {@link DeadlineExceededException} instead of being run for nobody. Jobs are taken one at a
 * time today; a batching policy would take several from the same queue.
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
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean accepting = true;

    /** What one worker runs jobs with; it is used by that worker's thread alone. */
    public interface Runner<I, O> extends AutoCloseable {

        O run(I input) throws Exception;

        @Override
        void close();
    }

    /** What a worker returns: the output, and how long the job waited and ran. */
    public record Outcome<O>(O output, long queueNanos, long inferenceNanos) {
    }

    private record Job<I, O>(I input, Instant deadline, long enqueuedNanos, CompletableFuture<Outcome<O>> future) {
    }

    public WorkerPool(String name, int workerCount, int capacity, Supplier<? extends Runner<I, O>> runners) {
        if (workerCount < 1 || capacity < 1) {
            throw new IllegalArgumentException(name + ": workers and queue capacity must be at least 1");
        }
        this.name = name;
        this.capacity = capacity;
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
        try (runner) {
            while (accepting || !queue.isEmpty()) {
                Job<I, O> job = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (job != null) {
                    run(runner, job);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(Runner<I, O> runner, Job<I, O> job) {
        if (job.future().isDone()) {
            return; // the caller gave up waiting
        }
        long started = System.nanoTime();
        if (Instant.now().isAfter(job.deadline())) {
            job.future().completeExceptionally(new DeadlineExceededException(name,
                    Duration.ofNanos(started - job.enqueuedNanos())));
            return;
        }
        try {
            O output = runner.run(job.input());
            job.future().complete(new Outcome<>(output, started - job.enqueuedNanos(), System.nanoTime() - started));
        } catch (Exception | Error e) {
            log.debug("{}: inference failed", name, e);
            job.future().completeExceptionally(e);
        }
    }
}
