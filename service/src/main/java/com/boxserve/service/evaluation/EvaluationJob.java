package com.boxserve.service.evaluation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

/**
 * One job in the service: its view, replaced whole on each change (readers never see half of
 * one), and the run that works on it.
 */
final class EvaluationJob {

    private volatile EvaluationView view;
    private volatile Future<?> run;
    private volatile boolean cancelled;

    EvaluationJob(EvaluationView view) {
        this.view = view;
    }

    EvaluationView view() {
        return view;
    }

    String id() {
        return view.id();
    }

    synchronized EvaluationView update(UnaryOperator<EvaluationView> change) {
        view = change.apply(view);
        return view;
    }

    /** Replaces one model's run in the view. */
    EvaluationView updateModel(int index, UnaryOperator<EvaluationView.ModelRun> change) {
        return update(v -> {
            List<EvaluationView.ModelRun> models = new ArrayList<>(v.models());
            models.set(index, change.apply(models.get(index)));
            return v.with(v.status(), v.started(), v.ended(), v.failure(), models);
        });
    }

    void running(Future<?> future) {
        this.run = future;
    }

    /** Asked by a user (not a shutdown, after which the job runs again). */
    void cancel() {
        cancelled = true;
        Future<?> current = run;
        if (current != null) {
            current.cancel(true);
        }
    }

    /** Keeps the view on disk, unless a cancel (which keeps its own) came first. */
    synchronized void saveUnlessCancelled(EvaluationStore store) {
        if (!cancelled) {
            store.save(view);
        }
    }

    boolean cancelled() {
        return cancelled;
    }
}
