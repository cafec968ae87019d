package com.boxserve.service.workload;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.BooleanSupplier;
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
 * <p>Jobs come in {@link Priority} classes, each with places of its own; a worker takes the
 * highest class first. Background work (an evaluation's images) is of the low class and takes no
 * place: a worker takes it only when no live job waits and none has arrived, started or finished
 * for {@link #LIVE_QUIET} (and once every {@link #BACKGROUND_AT_LEAST_EVERY} however busy), so a
 * live request seldom waits behind a background forward ({@link JobQueue}).
 *
 * <p>With a {@link QueuePolicy} a job also has a time bound: one that has waited {@code maxDelay}
 * without a worker is shed (answered {@link FailureKind#QUEUE_DELAY_EXCEEDED}), and with adaptive
 * LIFO a standing queue is served newest-first ({@link JobQueue}). A caller whose client has gone
 * ({@link Admission#call(Object, Instant, BooleanSupplier)}) takes its job back before it runs.
 *
 * @param <I> a job's input
 * @param <O> a job's output
 */
public final class WorkerPool<I, O> implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);
    private static final long POLL_MILLIS = 50;
    /** How often a waiting caller asks whether its client is still there: short beside a forward. */
    private static final long CLIENT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    /** CoDel's interval: a queue not empty for this long is standing. */
    static final Duration STANDING_AFTER = Duration.ofMillis(100);
    /**
     * The run-time figure grows stale once no job has run for this long, or for ten runs of that
     * figure if longer: then an idle pool admits a caller it would refuse, to measure again.
     */
    static final Duration FIGURE_STALE_AFTER = Duration.ofSeconds(1);
    /**
     * Background work waits this long after live work arrived, started or finished: longer than a
     * closed-loop client takes to send its next request once answered (a few milliseconds on a LAN).
     */
    static final Duration LIVE_QUIET = Duration.ofMillis(20);
    /** However busy with live work, a pool runs one background job at least this often. */
    static final Duration BACKGROUND_AT_LEAST_EVERY = Duration.ofSeconds(10);

    private final String name;
    private final int places;
    private final int workerCount;
    /** Each class's places; background work takes none. */
    private final Map<Priority, Semaphore> free = new EnumMap<>(Priority.class);
    // unbounded: the places (and background callers) bound it
    private final JobQueue<Job<I, O>> queue;
    private final Batching<I> batching;
    private final QueuePolicy policy;
    private final List<Thread> workers = new ArrayList<>();
    /** Jobs handed to a runner, each image of a batch counted. */
    private final AtomicLong jobsRun = new AtomicLong();
    /** A moving average of one job's run time; 0 until the first job has run. */
    private final AtomicLong serviceNanos = new AtomicLong();
    /** When the last job's run ended ({@link System#nanoTime()}). */
    private final AtomicLong lastRunEnded = new AtomicLong();
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
     * {@code maxSize} in all, that may share one forward with it ({@code compatible}), taken from
     * behind any that may not: those stay where they are, for an idle worker or the next batch.
     */
    public record Batching<I>(int maxSize, Duration maxWait, BiPredicate<I, I> compatible) {

        public static <I> Batching<I> off() {
            return new Batching<>(1, Duration.ZERO, (a, b) -> false);
        }
    }

    /**
     * A queue bounded in time: a job that has waited {@code maxDelay} for a worker is shed (null: it
     * waits until its deadline), and with {@code adaptiveLifo} a standing queue is served
     * newest-first. Adaptive LIFO needs the bound: without it the oldest jobs would wait until
     * their deadlines.
     */
    public record QueuePolicy(Duration maxDelay, boolean adaptiveLifo) {

        public QueuePolicy {
            if (adaptiveLifo && maxDelay == null) {
                throw new IllegalArgumentException("adaptive LIFO needs a max queue delay");
            }
        }

        public static QueuePolicy fifo() {
            return new QueuePolicy(null, false);
        }
    }

    /** What a call returns: the output, how long the job waited and ran, and how many jobs shared its run. */
    public record Outcome<O>(O output, long queueNanos, long inferenceNanos, int batchSize) {
    }

    /** {@code claimed}: taken by a worker to run, or by its caller to withdraw it; whoever is first. */
    private record Job<I, O>(I input, Priority priority, Instant deadline, long enqueuedNanos,
            CompletableFuture<Outcome<O>> future, boolean background, AtomicBoolean claimed) implements JobQueue.Queued {

        boolean claim() {
            return claimed.compareAndSet(false, true);
        }
    }

    public WorkerPool(String name, int workerCount, int queueCapacity, Supplier<? extends Runner<I, O>> runners) {
        this(name, workerCount, queueCapacity, runners, Batching.off(), QueuePolicy.fifo());
    }

    public WorkerPool(String name, int workerCount, int queueCapacity, Supplier<? extends Runner<I, O>> runners,
            Batching<I> batching, QueuePolicy policy) {
        if (workerCount < 1 || queueCapacity < 1 || batching.maxSize() < 1) {
            throw new IllegalArgumentException(name + ": workers, queue capacity and batch size must be at least 1");
        }
        this.name = name;
        this.workerCount = workerCount;
        this.places = queueCapacity + workerCount;
        for (Priority priority : Priority.values()) {
            free.put(priority, new Semaphore(places));
        }
        this.batching = batching;
        this.policy = policy;
        this.queue = new JobQueue<>(policy.adaptiveLifo() ? STANDING_AFTER.toNanos() : null, LIVE_QUIET,
                BACKGROUND_AT_LEAST_EVERY);
        for (int i = 0; i < workerCount; i++) {
            Runner<I, O> runner = runners.get();
            Thread worker = new Thread(() -> work(runner), name + "-worker-" + i);
            worker.setDaemon(true);
            workers.add(worker);
        }
        workers.forEach(Thread::start);
    }

    /** A place of the default class, with no deadline of the caller's own: {@link #admit(Priority, Instant)}. */
    public Admission admit() {
        return admit(Priority.DEFAULT, null);
    }

    /**
     * Takes a place of the caller's class, or refuses at once. The place is held until the
     * admission is closed, for however many calls the caller makes with it. A caller with a
     * deadline is refused at once when the predicted wait and run would pass it: the callers of its
     * class and above × one job's recent run time ÷ workers, plus its own run (before any job has
     * run there is no prediction, and it is admitted). A figure is only renewed by jobs that run:
     * one slow burst would otherwise leave a figure that refuses every deadline for good, so an
     * idle pool whose figure is stale ({@link #FIGURE_STALE_AFTER}) admits the caller instead.
     *
     * @param deadline the caller's deadline; null for none
     * @throws ServiceFailure {@link FailureKind#OVERLOADED} when every place of its class is taken,
     *         {@link FailureKind#DEADLINE_UNMEETABLE} naming the predicted wait,
     *         {@link FailureKind#UNAVAILABLE} when the pool no longer takes work
     */
    public Admission admit(Priority priority, Instant deadline) {
        if (!accepting) {
            throw closed("it is closing");
        }
        long service = serviceNanos.get();
        if (deadline != null && service > 0) {
            int ahead = ahead(priority);
            long predicted = ahead * service / workerCount + service;
            long left = Duration.between(Instant.now(), deadline).toNanos();
            if (predicted > left && (ahead > 0 || !stale(service))) {
                throw ServiceFailure.retryable(FailureKind.DEADLINE_UNMEETABLE, name + " would answer in about "
                        + TimeUnit.NANOSECONDS.toMillis(predicted) + " ms (" + ahead + " ahead, "
                        + TimeUnit.NANOSECONDS.toMillis(service) + " ms each), past the request's deadline in "
                        + Math.max(0, TimeUnit.NANOSECONDS.toMillis(left)) + " ms", retryAfter());
            }
        }
        if (!free.get(priority).tryAcquire()) {
            throw full(priority);
        }
        return new Admission(priority);
    }

    /**
     * Refuses at once, as {@link #admit} would, when every place of the class is taken; takes no
     * place otherwise (the caller is admitted later, and may then be refused after all).
     */
    public void refuseIfFull(Priority priority) {
        if (free.get(priority).availablePermits() == 0) {
            throw full(priority);
        }
    }

    private ServiceFailure full(Priority priority) {
        return ServiceFailure.retryable(FailureKind.OVERLOADED, name + " is busy: all " + places + " places "
                + (priority == Priority.DEFAULT ? "" : "of the " + priority.name().toLowerCase() + " class ")
                + "(queue and workers) are taken", retryAfter());
    }

    /** One call in a place of its own: {@link #admit()}, {@link Admission#call}, and the place given back. */
    public Outcome<O> call(I input, Instant deadline) {
        try (Admission admission = admit()) {
            return admission.call(input, deadline);
        }
    }

    /**
     * Runs one job of the low class, taking no place and with no deadline or time bound: it waits
     * as long as other work keeps the workers busy. Interrupting the caller takes the job back out
     * of the queue.
     *
     * @throws ServiceFailure the pool closed, the caller was interrupted, or the runner failed
     */
    public Outcome<O> callInBackground(I input) {
        if (!accepting) {
            throw closed("it is closing");
        }
        return await(enqueue(input, Priority.LOW, null, true), null);
    }

    /** A caller's place in the pool. */
    public final class Admission implements AutoCloseable {

        private final Priority priority;
        private boolean released;

        private Admission(Priority priority) {
            this.priority = priority;
        }

        /** As {@link #call(Object, Instant, BooleanSupplier)} for a caller that cannot tell whether its client is there. */
        public Outcome<O> call(I input, Instant deadline) {
            return call(input, deadline, null);
        }

        /**
         * Queues one job and waits for it until the deadline; the job leaves the queue with the
         * caller, whether it gives up or is answered. While the job waits for a worker the caller
         * asks {@code clientGone} every few milliseconds, and takes it back, never to run, once
         * the client has gone.
         *
         * @param clientGone whether the client the answer is for has gone; null when that cannot be told
         * @throws ServiceFailure for every failure: deadline passed, time bound passed, client gone,
         *         pool closed, runner failed
         */
        public Outcome<O> call(I input, Instant deadline, BooleanSupplier clientGone) {
            if (released) {
                throw closed("this request's place in it was already given back");
            }
            if (clientGone != null && clientGone.getAsBoolean()) {
                // gone before its job was queued (a client that sent and closed at once): no worker may take it
                throw clientClosed(System.nanoTime());
            }
            return await(enqueue(input, priority, deadline, false), clientGone);
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                free.get(priority).release();
            }
        }
    }

    private Job<I, O> enqueue(I input, Priority priority, Instant deadline, boolean background) {
        Job<I, O> job = new Job<>(input, priority, deadline, System.nanoTime(), new CompletableFuture<>(), background,
                new AtomicBoolean());
        queue.add(job);
        // the workers may have stopped after close() found the queue empty, before this job arrived
        if (!accepting && queue.remove(job)) {
            throw closed("it is closing");
        }
        return job;
    }

    /**
     * Waits for a queued job until its deadline (none: until it is answered); it leaves the queue
     * with its caller. Until a worker has taken it, the caller withdraws it when its client has
     * gone or it has waited the policy's {@code maxDelay}.
     */
    private Outcome<O> await(Job<I, O> job, BooleanSupplier clientGone) {
        // nanoTime readings compare only by their difference (they may be negative), so "none" is
        // a flag beside the time, never a sentinel time
        boolean hasDeadline = job.deadline() != null;
        long deadline = hasDeadline ? System.nanoTime() + Duration.between(Instant.now(), job.deadline()).toNanos() : 0;
        boolean bounded = policy.maxDelay() != null && !job.background();
        long shedAt = bounded ? job.enqueuedNanos() + policy.maxDelay().toNanos() : 0;
        try {
            while (true) {
                long now = System.nanoTime();
                if (hasDeadline && now - deadline >= 0) {
                    throw late(job.enqueuedNanos());
                }
                long wait = hasDeadline ? deadline - now : Long.MAX_VALUE;
                if (!job.claimed().get()) {
                    if (bounded) {
                        wait = Math.min(wait, Math.max(0, shedAt - now));
                    }
                    if (clientGone != null) {
                        wait = Math.min(wait, CLIENT_CHECK_NANOS);
                    }
                }
                try {
                    return wait == Long.MAX_VALUE ? job.future().get() : job.future().get(wait, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (clientGone != null && clientGone.getAsBoolean() && job.claim()) {
                        throw clientClosed(job.enqueuedNanos());
                    }
                    if (bounded && System.nanoTime() - shedAt >= 0 && job.claim()) {
                        throw shed(job.enqueuedNanos());
                    }
                }
            }
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

    /** Places taken, of every class: callers queued, running, or still preparing their input. */
    public int admitted() {
        return ahead(Priority.LOW);
    }

    private boolean stale(long service) {
        long after = Math.max(FIGURE_STALE_AFTER.toNanos(), 10 * service);
        return System.nanoTime() - lastRunEnded.get() > after;
    }

    /** Places taken by the classes a worker takes before, or with, {@code priority}. */
    private int ahead(Priority priority) {
        int taken = 0;
        for (Map.Entry<Priority, Semaphore> places : free.entrySet()) {
            if (places.getKey().atLeast(priority)) {
                taken += this.places - places.getValue().availablePermits();
            }
        }
        return taken;
    }

    /** Jobs handed to a runner so far (a model's forwards), each job of a batch counted. */
    public long jobsRun() {
        return jobsRun.get();
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
        for (Job<I, O> left : queue.drain()) {
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
            while (accepting || queue.size() > 0) {
                Job<I, O> job = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (job != null && !expired(job) && job.claim()) {
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
            Job<I, O> next = queue.pollLive(Math.max(0, waitUntil - System.nanoTime()), TimeUnit.NANOSECONDS,
                    job -> batching.compatible().test(first.input(), job.input()));
            if (next == null) {
                break;
            }
            if (expired(next)) {
                continue;
            }
            if (next.claim()) {
                batch.add(next);
            }
        }
        return batch;
    }

    /**
     * True for a job nobody waits for any more, or whose deadline or time bound passed in the queue
     * (answered here, unless its caller has just withdrawn it).
     */
    private boolean expired(Job<I, O> job) {
        if (job.future().isDone() || job.claimed().get()) {
            return true;
        }
        ServiceFailure failure = null;
        if (job.deadline() != null && Instant.now().isAfter(job.deadline())) {
            failure = late(job.enqueuedNanos());
        } else if (!job.background() && policy.maxDelay() != null
                && System.nanoTime() - job.enqueuedNanos() > policy.maxDelay().toNanos()) {
            failure = shed(job.enqueuedNanos());
        }
        if (failure != null && job.claim()) {
            job.future().completeExceptionally(failure);
        }
        return failure != null;
    }

    private void run(Runner<I, O> runner, List<Job<I, O>> batch) {
        jobsRun.addAndGet(batch.size());
        long started = System.nanoTime();
        try {
            List<O> outputs = batch.size() == 1 ? List.of(runner.run(batch.get(0).input()))
                    : runner.runBatch(batch.stream().map(Job::input).toList());
            long inference = System.nanoTime() - started;
            long perJob = inference / batch.size();
            serviceNanos.getAndUpdate(previous -> previous == 0 ? perJob : (previous * 4 + perJob) / 5);
            lastRunEnded.set(System.nanoTime());
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
        } finally {
            if (!batch.get(0).background()) {
                queue.liveFinished();
            }
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

    /** A job waited its pool's max queue delay without a worker; it never runs. */
    private ServiceFailure shed(long enqueuedNanos) {
        return ServiceFailure.retryable(FailureKind.QUEUE_DELAY_EXCEEDED, name + " had no worker for the request "
                + "within its max queue delay of " + policy.maxDelay().toMillis() + " ms (waited "
                + Duration.ofNanos(System.nanoTime() - enqueuedNanos).toMillis() + " ms)", retryAfter());
    }

    /** The caller's client went away while its job waited; it never runs. */
    private ServiceFailure clientClosed(long enqueuedNanos) {
        return new ServiceFailure(FailureKind.CLIENT_CLOSED, "the client closed its connection "
                + Duration.ofNanos(System.nanoTime() - enqueuedNanos).toMillis() + " ms into its wait in " + name + "'s queue");
    }

    /** A call's deadline passed before its job could run or finish; the job is cancelled. */
    private ServiceFailure late(long enqueuedNanos) {
        long waited = Duration.ofNanos(System.nanoTime() - enqueuedNanos).toMillis();
        return ServiceFailure.retryable(FailureKind.DEADLINE_EXCEEDED, name + " did not answer within the request "
                + "timeout (waited " + waited + " ms)", retryAfter());
    }
}
