package com.boxserve.service.evaluation;

import com.boxserve.service.models.ModelView.WeightsView;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An evaluation job as {@code GET /v1/evaluations/{id}} answers it, and as it is kept on disk
 * ({@code job.json}), so that it is the same after a restart.
 *
 * @param directory the folder under the data root; null for an upload
 * @param annotations the annotations file the job was given, if it named one
 * @param failure why the job failed, naming the image or entry at fault
 * @param unmappedCategories the dataset's categories no COCO category stands for: no model finds them
 */
public record EvaluationView(String id, Status status, Instant created, Instant started, Instant ended,
        String directory, String annotations, Map<String, String> categoryMapping, int images,
        List<String> unmappedCategories, String failure, List<ModelRun> models) {

    /** This job in another state: the fields a job's life changes, the rest kept. */
    EvaluationView with(Status status, Instant started, Instant ended, String failure, List<ModelRun> models) {
        return new EvaluationView(id, status, created, started, ended, directory, annotations, categoryMapping, images,
                unmappedCategories, failure, models);
    }

    public enum Status {
        QUEUED, RUNNING, DONE, FAILED, CANCELLED;

        public boolean ended() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    /**
     * One model's part of the job: its progress while running, its figures once done.
     *
     * @param elapsedMs time since the model's first image
     * @param remainingMs the estimate of time left, from the time per image so far
     * @param failure why this model's run failed (the model was unloaded, or failed to load)
     */
    public record ModelRun(String model, Status status, int imagesDone, int imagesTotal, long elapsedMs,
            Long remainingMs, String failure, ModelResult result) {

        static ModelRun queued(String model, int images) {
            return new ModelRun(model, Status.QUEUED, 0, images, 0, null, null, null);
        }
    }

    /**
     * What a model scored, and at what cost.
     *
     * @param latencyMs per image, the forward with its pre- and post-processing, without queueing
     * @param imagesPerSecond images done over the model's whole run, queueing behind live traffic included
     * @param weights where the weights came from; {@code random: true} means the figures measure nothing
     */
    public record ModelResult(EvaluationFigures figures, Latency latencyMs, double imagesPerSecond, String engine,
            String device, WeightsView weights) {
    }

    public record Latency(double p50, double p90) {
    }
}
