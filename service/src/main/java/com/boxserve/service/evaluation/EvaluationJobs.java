package com.boxserve.service.evaluation;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ModelStatus;
import com.boxserve.service.models.ServedModel;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * Evaluation jobs: taken once their data is checked, run {@code concurrent-jobs} at a time in the
 * order they came, kept on disk with their results. A job that was queued or running when the
 * service stopped runs again, from its start, when it is back.
 */
@Service
public class EvaluationJobs implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EvaluationJobs.class);
    /** Stops after the web server, before the models (DetectorRegistry's phase is 4096 below the default). */
    private static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 3072;

    private final EvaluationProperties properties;
    private final EvaluationStore store;
    private final EvaluationRunner runner;
    private final DetectorRegistry registry;
    private final ObjectMapper json;
    private final Map<String, EvaluationJob> jobs = new ConcurrentHashMap<>();
    private final ExecutorService executor;
    private volatile boolean running;
    /** Jobs whose data is still arriving: they count against max-jobs too. */
    private final AtomicInteger reserved = new AtomicInteger();

    EvaluationJobs(EvaluationProperties properties, EvaluationStore store, EvaluationRunner runner,
            DetectorRegistry registry, ObjectMapper json, MeterRegistry meters) {
        this.properties = properties;
        this.store = store;
        this.runner = runner;
        this.registry = registry;
        this.json = json;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(properties.concurrentJobs(), task -> {
            Thread thread = new Thread(task, "evaluation-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        for (EvaluationView.Status status : EvaluationView.Status.values()) {
            Gauge.builder("boxserve.evaluation.jobs", this, j -> j.count(status))
                    .description("Evaluation jobs kept, by status").tag("status", status.name().toLowerCase())
                    .register(meters);
        }
        Gauge.builder("boxserve.evaluation.images.remaining", this, EvaluationJobs::remainingImages)
                .description("Images still to evaluate, over every model of the jobs queued or running")
                .register(meters);
        store.load().forEach(kept -> jobs.put(kept.id(), new EvaluationJob(kept)));
    }

    /** Runs again, from their start, the jobs a stop cut short; after the models have started loading. */
    @Override
    public void start() {
        running = true;
        for (EvaluationJob job : jobs.values().stream().sorted(Comparator.comparing(j -> j.view().created())).toList()) {
            EvaluationView kept = job.view();
            if (!kept.status().ended()) {
                log.info("evaluation {} was {} when the service stopped: it runs again", kept.id(), kept.status());
                job.update(EvaluationJobs::queuedAgain);
                reopenAndSchedule(job);
            }
        }
    }

    /**
     * Stops the running job before the models unload (a later phase), so that it is not recorded as
     * failed by models going away: it stays RUNNING on disk, and runs again after the restart.
     */
    @Override
    public void stop() {
        running = false;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    /** What a new job is to evaluate, and where its data is. */
    public record Submission(Path folder, String directory, String annotations, List<String> models,
            Map<String, String> categoryMapping) {
    }

    /** A new job's id and empty dataset folder, once there is room for it. */
    public synchronized String reserve() {
        makeRoom();
        reserved.incrementAndGet();
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        store.create(id);
        return id;
    }

    public Path datasetFolder(String id) {
        return store.dataset(id);
    }

    /** The folders directly under the data root, by name; empty when there is no data root. */
    public Optional<List<String>> dataRootFolders() {
        Path root = properties.dataRoot();
        if (root == null) {
            return Optional.empty();
        }
        try (Stream<Path> folders = Files.list(root)) {
            return Optional.of(folders.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList());
        } catch (IOException e) {
            log.warn("the data root {} cannot be listed: {}", root, e.toString());
            return Optional.of(List.of());
        }
    }

    /** A folder under the data root, never outside it (symbolic links followed, then checked). */
    public Path dataRootFolder(String directory) {
        Path root = properties.dataRoot();
        if (root == null) {
            throw ServiceFailure.invalid("jobs on a folder are off: set boxserve.evaluation.data-root to the folder "
                    + "whose subfolders jobs may name");
        }
        try {
            Path realRoot = root.toRealPath();
            Path folder = EvaluationDataset.inside(realRoot, directory, "directory");
            Path real = Files.isDirectory(folder) ? folder.toRealPath() : null;
            if (real == null || !real.startsWith(realRoot)) {
                throw ServiceFailure.invalid("directory '" + directory + "' is not a folder under the data root");
            }
            return real;
        } catch (IOException | InvalidPathException e) {
            throw ServiceFailure.invalid("directory '" + directory + "' cannot be read under the data root");
        }
    }

    /**
     * Checks the data and queues the job; a job whose data is at fault is not kept.
     *
     * @param id from {@link #reserve()}
     */
    public EvaluationView submit(String id, Submission submission) {
        reserved.decrementAndGet();
        try {
            if (submission.categoryMapping().values().stream().anyMatch(Objects::isNull)) {
                throw ServiceFailure.invalid("categoryMapping maps a category to nothing: give a COCO category name");
            }
            EvaluationDataset dataset = EvaluationDataset.open(submission.folder(), submission.annotations(),
                    submission.categoryMapping(), properties.maxImages(), properties.maxUploadBytes().toBytes(), json);
            List<String> models = models(submission.models());
            int images = dataset.images().size();
            EvaluationView view = new EvaluationView(id, EvaluationView.Status.QUEUED, Instant.now(), null, null,
                    submission.directory(), submission.annotations(), Map.copyOf(submission.categoryMapping()), images,
                    dataset.unmapped(), null, models.stream().map(m -> EvaluationView.ModelRun.queued(m, images)).toList());
            EvaluationJob job = new EvaluationJob(view);
            store.save(view);
            jobs.put(id, job);
            schedule(job, dataset);
            return view;
        } catch (RuntimeException e) {
            store.delete(id);
            throw e instanceof InvalidPathException ? ServiceFailure.invalid("a file name in the dataset is not a path: "
                    + e.getMessage()) : e;
        }
    }

    /** Forgets a reserved job whose upload failed. */
    public void abandon(String id) {
        reserved.decrementAndGet();
        store.delete(id);
    }

    public EvaluationView get(String id) {
        return job(id).view();
    }

    /** Every job kept, newest first. */
    public List<EvaluationView> all() {
        return jobs.values().stream().map(EvaluationJob::view)
                .sorted(Comparator.comparing(EvaluationView::created).reversed()).toList();
    }

    /** A model's detections in COCO results format, once its part of the job is done. */
    public Path detections(String id, String model) {
        EvaluationView view = get(id);
        EvaluationView.ModelRun run = view.models().stream().filter(r -> r.model().equals(model)).findFirst()
                .orElseThrow(() -> new ServiceFailure(FailureKind.UNKNOWN_EVALUATION, "evaluation " + id
                        + " does not evaluate '" + model + "'"));
        if (run.status() != EvaluationView.Status.DONE) {
            throw new ServiceFailure(FailureKind.EVALUATION_NOT_FINISHED, "evaluation " + id + " has not finished '"
                    + model + "' (it is " + run.status() + ")");
        }
        return store.detections(id, model);
    }

    /**
     * Cancels a job that has not ended (it is kept, CANCELLED); removes one that has, with its data.
     *
     * @return the cancelled job, or empty for one removed
     */
    public Optional<EvaluationView> cancelOrRemove(String id) {
        EvaluationJob job = job(id);
        synchronized (job) {
            if (!job.view().status().ended()) {
                job.cancel();
                EvaluationView view = job.update(v -> ended(v, EvaluationView.Status.CANCELLED, null));
                store.save(view);
                return Optional.of(view);
            }
        }
        jobs.remove(id);
        store.delete(id);
        return Optional.empty();
    }

    private EvaluationJob job(String id) {
        EvaluationJob job = jobs.get(id);
        if (job == null) {
            throw new ServiceFailure(FailureKind.UNKNOWN_EVALUATION, "no evaluation job has id '" + id + "'");
        }
        return job;
    }

    private List<String> models(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            List<String> ready = registry.all().stream().filter(m -> m.status() == ModelStatus.READY)
                    .map(ServedModel::name).sorted().toList();
            if (ready.isEmpty()) {
                throw ServiceFailure.retryable(FailureKind.MODEL_NOT_READY, "no model is READY to evaluate",
                        Duration.ofSeconds(5));
            }
            return ready;
        }
        requested.forEach(registry::get);
        return requested.stream().distinct().toList();
    }

    /** Room for one more job: the oldest ended jobs go; with none ended, the new one is refused. */
    private synchronized void makeRoom() {
        List<EvaluationView> ended = new ArrayList<>(jobs.values().stream().map(EvaluationJob::view)
                .filter(v -> v.status().ended()).sorted(Comparator.comparing(EvaluationView::created)).toList());
        while (jobs.size() + reserved.get() >= properties.maxJobs() && !ended.isEmpty()) {
            String oldest = ended.remove(0).id();
            jobs.remove(oldest);
            store.delete(oldest);
        }
        if (jobs.size() + reserved.get() >= properties.maxJobs()) {
            throw ServiceFailure.retryable(FailureKind.OVERLOADED, jobs.size() + reserved.get() + " evaluation jobs are queued or "
                    + "running, the most kept (boxserve.evaluation.max-jobs)", Duration.ofMinutes(1));
        }
    }

    private void reopenAndSchedule(EvaluationJob job) {
        EvaluationView view = job.view();
        try {
            Path folder = view.directory() == null ? store.dataset(view.id()) : dataRootFolder(view.directory());
            schedule(job, EvaluationDataset.open(folder, view.annotations(), view.categoryMapping(),
                    properties.maxImages(), properties.maxUploadBytes().toBytes(), json));
        } catch (ServiceFailure e) {
            store.save(job.update(v -> ended(v, EvaluationView.Status.FAILED, e.detail())));
        } catch (RuntimeException e) {
            // one kept job that cannot be read must not keep the service from starting
            log.warn("evaluation {} cannot run again", view.id(), e);
            store.save(job.update(v -> ended(v, EvaluationView.Status.FAILED, "its data cannot be read again: " + e)));
        }
    }

    private void schedule(EvaluationJob job, EvaluationDataset dataset) {
        job.running(executor.submit(() -> run(job, dataset)));
    }

    private void run(EvaluationJob job, EvaluationDataset dataset) {
        if (!advance(job, v -> v.with(EvaluationView.Status.RUNNING, Instant.now(), null, null, v.models()))) {
            return;
        }
        try {
            runner.run(job, dataset);
            advance(job, v -> ended(v, EvaluationView.Status.DONE, null));
        } catch (InterruptedException e) {
            // cancelled (already marked so), or the service is stopping: the job stays as it is on disk
            Thread.currentThread().interrupt();
        } catch (ServiceFailure e) {
            if (!executor.isShutdown()) {
                advance(job, v -> ended(v, EvaluationView.Status.FAILED, e.detail()));
            }
        } catch (RuntimeException | Error e) {
            if (executor.isShutdown() || Thread.currentThread().isInterrupted()) {
                return; // a stop's interrupt, surfacing as an I/O failure: the job runs again on start
            }
            log.warn("evaluation {} failed", job.id(), e);
            advance(job, v -> ended(v, EvaluationView.Status.FAILED, "the job failed: " + e));
        }
    }

    /** Changes and keeps a job's state unless it was cancelled meanwhile; false if it was. */
    private boolean advance(EvaluationJob job, UnaryOperator<EvaluationView> change) {
        synchronized (job) {
            if (job.cancelled()) {
                return false;
            }
            store.save(job.update(change));
            return true;
        }
    }

    private double remainingImages() {
        return jobs.values().stream().map(EvaluationJob::view).filter(v -> !v.status().ended())
                .flatMap(v -> v.models().stream()).mapToInt(r -> r.imagesTotal() - r.imagesDone()).sum();
    }

    private int count(EvaluationView.Status status) {
        return (int) jobs.values().stream().filter(j -> j.view().status() == status).count();
    }

    /** A job a stop cut short, back at its start. */
    private static EvaluationView queuedAgain(EvaluationView v) {
        return v.with(EvaluationView.Status.QUEUED, null, null, null,
                v.models().stream().map(r -> EvaluationView.ModelRun.queued(r.model(), v.images())).toList());
    }

    private static EvaluationView ended(EvaluationView v, EvaluationView.Status status, String failure) {
        List<EvaluationView.ModelRun> models = v.models().stream().map(r -> r.status().ended() ? r
                : new EvaluationView.ModelRun(r.model(), status == EvaluationView.Status.DONE ? r.status() : status,
                        r.imagesDone(), r.imagesTotal(), r.elapsedMs(), null, null, null)).toList();
        return v.with(status, v.started(), Instant.now(), failure, models);
    }
}
