package com.boxserve.service.workload;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model's work (or training's): a fixed number of places, a queue and worker threads, each
 * owning one {@link Runner} (for a model, a DJL Predictor, which is not thread-safe). Knows
 * nothing of HTTP.
 *
 * <p>A caller first takes a place ({@link #admit()}): there are as many as queued requests plus
 * workers, and when all are taken the caller is refused at once (an {@link FailureKind#OVERLOADED} failure),
 * before it has done any work of its own, such as decoding an image. An admitted caller then
 * makes calls ({@link Admission#call}) that wait within a deadline and take their job back out of
 * the queue when the caller gives up. Every failure is a {@link ServiceFailure}: overloaded, deadline exceeded,
 * unavailable (closing), or the runner's own (a run failed, or the verdict it threw). With
 * {@link Batching} on, a worker runs compatible queued jobs together in one call of its runner.
 *
 * <p>Background work (an evaluation's images) takes no place and queues behind every live job:
 * a worker takes it only when no live job waits, so a live request waits behind at most the
 * background forwards already running, one per background caller in flight.
 *
 * @param <I> a job's input
 * @param <O> a job's output
 */
public final class WorkerPool<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
    private static final long POLL_MILLIS = 50;
    /** A background job waits behind live traffic however long it lasts; this only keeps the deadline finite. */
    private static final Duration BACKGROUND_PATIENCE = Duration.ofDays(1);

    private final String name;
    private final int places;
    private final int workerCount;
    private final Semaphore free;
    // unbounded: the places (and background callers) bound it; live jobs first, then by arrival, so a
    // job a batch could not take goes back to its place at the head
    private final PriorityBlockingQueue<Job<I, O>> queue = new PriorityBlockingQueue<>(16,
            Comparator.<Job<I, O>, Boolean>comparing(Job::background).thenComparingLong(Job::sequence));
    private final AtomicLong arrivals = new AtomicLong();
    private final Batching<I> batching;
    private final List<Thread> workers = new ArrayList<>();
    /** A moving average of one job's run time; 0 until the first job has run. */
    private final AtomicLong serviceNanos = new AtomicLong();
    private volatile boolean accepting = true;

    /** What one worker runs jobs with; it is used by that worker's thread alone, and closed by it. */
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
     * first that may not goes back to the head of the queue.
     */
    public record Batching<I>(int maxSize, Duration maxWait, BiPredicate<I, I> compatible) {

        public static <I> Batching<I> off() {
            return new Batching<>(1, Duration.ZERO, (a, b) -> false);
        }
    }

    /** What a call returns: the output, how long the job waited and ran, and how many jobs shared its run. */
    public record Outcome<O>(O output, long queueNanos, long inferenceNanos, int batchSize) {
    }

    private record Job<I, O>(I input, Instant deadline, long enqueuedNanos, CompletableFuture<Outcome<O>> future,
            boolean background, long sequence) {
    }

    public WorkerPool(String name, int workerCount, int queueCapacity, Supplier<? extends Runner<I, O>> runners) {
        this(name, workerCount, queueCapacity, runners, Batching.off());
    }

    public WorkerPool(String name, int workerCount, int queueCapacity, Supplier<? extends Runner<I, O>> runners,
            Batching<I> batching) {
        if (workerCount < 1 || queueCapacity < 1 || batching.maxSize() < 1) {
            throw new IllegalArgumentException(name + ": workers, queue capacity and batch size must be at least 1");
        }
        this.name = name;
        this.workerCount = workerCount;
        this.places = queueCapacity + workerCount;
        this.free = new Semaphore(places);
        this.batching = batching;
        for (int i = 0; i < workerCount; i++) {
            Runner<I, O> runner = runners.get();
            Thread worker = new Thread(() -> work(runner), name + "-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    /**
     * Takes a place, or refuses at once. The place is held until the admission is closed, for
     * however many calls the caller makes with it.
     *
     * @throws ServiceFailure {@link FailureKind#OVERLOADED} when every place is taken,
     *         {@link FailureKind#UNAVAILABLE} when the pool no longer takes work
     */
    public Admission admit() {
        if (!accepting) {
            throw closed("it is closing");
        }
        if (!free.tryAcquire()) {
            throw ServiceFailure.retryable(FailureKind.OVERLOADED, name + " is busy: all " + places
                    + " places (queue and workers) are taken", retryAfter());
        }
        return new Admission();
    }

    /**
     * As {@link #admit()}, refusing at once a caller whose deadline the predicted wait and run would
     * pass: the callers ahead × one job's recent run time ÷ workers, plus its own run. Before any job
     * has run there is no prediction, and the caller is admitted.
     *
     * @throws ServiceFailure {@link FailureKind#DEADLINE_UNMEETABLE} naming the predicted wait
     */
    public Admission admit(Instant deadline) {
        long service = serviceNanos.get();
        if (service > 0 && accepting) {
            long predicted = admitted() * service / workerCount + service;
            long left = Duration.between(Instant.now(), deadline).toNanos();
            if (predicted > left) {
                throw ServiceFailure.retryable(FailureKind.DEADLINE_UNMEETABLE, name + " would answer in about "
                        + TimeUnit.NANOSECONDS.toMillis(predicted) + " ms (" + admitted() + " ahead, "
                        + TimeUnit.NANOSECONDS.toMillis(service) + " ms each), past the request's deadline in "
                        + Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)) + " ms", retryAfter());
            }
        }
        return admit();
    }

    /** One call in a place of its own: {@link #admit()}, {@link Admission#call}, and the place given back. */
    public Outcome<O> call(I input, Instant deadline) {
        try (Admission admission = admit()) {
            return admission.call(input, deadline);
        }
    }

    /**
     * Runs one job behind every live one, taking no place: it waits as long as live traffic keeps
     * the workers busy. Interrupting the caller takes the job back out of the queue.
     *
     * @throws ServiceFailure the pool closed, the caller was interrupted, or the runner failed
     */
    public Outcome<O> callInBackground(I input) {
        if (!accepting) {
            throw closed("it is closing");
        }
        return await(enqueue(input, Instant.now().plus(BACKGROUND_PATIENCE), true), null);
    }

    /** A caller's place in the pool. */
    public final class Admission implements AutoCloseable {

        private boolean released;

        private Admission() {
        }

        /**
         * Queues one job and waits for it until the deadline; the job leaves the queue with the
         * caller, whether it gives up or is answered.
         *
         * @throws ServiceFailure for every failure: deadline passed, pool closed, runner failed
         */
        public Outcome<O> call(I input, Instant deadline) {
            if (released) {
                throw closed("this request's place in it was already given back");
            }
            return await(enqueue(input, deadline, false), deadline);
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                free.release();
            }
        }
    }

    private Job<I, O> enqueue(I input, Instant deadline, boolean background) {
        Job<I, O> job = new Job<>(input, deadline, System.nanoTime(), new CompletableFuture<>(), background,
                arrivals.incrementAndGet());
        queue.add(job);
        // the workers may have stopped after close() found the queue empty, before this job arrived
        if (!accepting && queue.remove(job)) {
            throw closed("it is closing");
        }
        return job;
    }

    /** Waits for a queued job until the deadline (none: until it is answered); it leaves the queue with its caller. */
    private Outcome<O> await(Job<I, O> job, Instant deadline) {
        try {
            if (deadline == null) {
                return job.future().get();
            }
            long left = Duration.between(Instant.now(), deadline).toNanos();
            return job.future().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw late(job.enqueuedNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw closed("the wait for it was interrupted");
        } catch (ExecutionException e) {
            throw (ServiceFailure) e.getCause();
        } finally {
            // nobody waits for it any more: it leaves the queue with its caller
            if (job.future().cancel(false)) {
                queue.remove(job);
            }
        }
    }

    /** Jobs waiting for a worker (background ones too), a batch's leftovers included. */
    public int queueDepth() {
        return queue.size();
    }

    /** Places taken: callers queued, running, or still preparing their input. */
    public int admitted() {
        return places - free.availablePermits();
    }

    /** The recent run time of one job (a batch's time shared among its jobs); zero before any has run. */
    public Duration serviceTime() {
        return Duration.ofNanos(serviceNanos.get());
    }

    /**
     * How long until a place is likely to be free: the callers ahead × one job's recent run time
     * ÷ workers, in whole seconds (as {@code Retry-After} has them), at least one.
     */
    Duration retryAfter() {
        long nanos = admitted() * serviceNanos.get() / workerCount;
        return Duration.ofSeconds(Math.max(1, (nanos + 999_999_999) / 1_000_000_000));
    }

    /**
     * Stops taking work, lets the workers run what is queued for up to {@code drain}, answers
     * what is still queued then as {@link FailureKind#UNAVAILABLE}, and returns once every worker
     * has finished the job in its hands and closed its runner, however long that takes: what the
     * runners use (a model) may be freed as soon as this returns.
     */
    public void close(Duration drain) {
        accepting = false;
        long deadline = System.nanoTime() + drain.toNanos();
        boolean interrupted = false;
        for (Thread worker : workers) {
            try {
                worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            }
        }
        for (Job<I, O> left = queue.poll(); left != null; left = queue.poll()) {
            left.future().completeExceptionally(closed("it closed before the request could run"));
        }
        for (Thread worker : workers) {
            if (worker.isAlive()) {
                log.warn("{}: {} is still running a job after the {} ms drain; waiting for it to end", name,
                        worker.getName(), drain.toMillis());
            }
            while (worker.isAlive()) {
                try {
                    worker.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    private void work(Runner<I, O> runner) {
        try (runner) {
            while (accepting || !queue.isEmpty()) {
                Job<I, O> job = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (job != null && live(job)) {
                    run(runner, batchFrom(job));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Job<I, O>> batchFrom(Job<I, O> first) throws InterruptedException {
        List<Job<I, O>> batch = new ArrayList<>(List.of(first));
        long waitUntil = System.nanoTime() + batching.maxWait().toNanos();
        while (!first.background() && batch.size() < batching.maxSize()) {
            Job<I, O> next = queue.poll(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            if (!live(next)) {
                continue;
            }
            if (next.background() || first.background() || !batching.compatible().test(first.input(), next.input())) {
                // back where it was (its arrival orders it): counted by the gauge, and any idle worker may take it
                queue.add(next);
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    /** False for a job nobody waits for any more, or whose deadline passed in the queue (answered here). */
    private boolean live(Job<I, O> job) {
        if (job.future().isDone()) {
            return false;
        }
        if (Instant.now().isAfter(job.deadline())) {
            job.future().completeExceptionally(late(job.enqueuedNanos()));
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
            long perJob = inference / batch.size();
            serviceNanos.getAndUpdate(previous -> previous == 0 ? perJob : (previous * 4 + perJob) / 5);
            for (int i = 0; i < batch.size(); i++) {
                Job<I, O> job = batch.get(i);
                job.future().complete(new Outcome<>(outputs.get(i), started - job.enqueuedNanos(), inference, batch.size()));
            }
        } catch (ServiceFailure verdict) {
            // the runner's judgement of the request (a training run that diverged), not a failure of the pool
            batch.forEach(job -> job.future().completeExceptionally(verdict));
        } catch (Exception | Error e) {
            log.warn("{}: run failed for {} request(s): {}", name, batch.size(), e.toString(), e);
            ServiceFailure failure = ServiceFailure.runFailed(name, e);
            batch.forEach(job -> job.future().completeExceptionally(failure));
        }
    }

    /**
     * The pool takes no more work (an unload, a reload's hand-over, shutdown). A retry may go at
     * once: a reload's replacement is already serving, an unloaded model answers 404, and behind a
     * load balancer another replica takes it.
     */
    private ServiceFailure closed(String why) {
        return ServiceFailure.retryable(FailureKind.UNAVAILABLE, name + " takes no more requests: " + why,
                Duration.ofSeconds(1));
    }

    /** A call's deadline passed before its job could run or finish; the job is cancelled. */
    private ServiceFailure late(long enqueuedNanos) {
        long waited = Duration.ofNanos(System.nanoTime() - enqueuedNanos).toMillis();
        return ServiceFailure.retryable(FailureKind.DEADLINE_EXCEEDED, name + " did not answer within the request "
                + "timeout (waited " + waited + " ms)", retryAfter());
    }
}
