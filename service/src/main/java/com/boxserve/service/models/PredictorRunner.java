package com.boxserve.service.models;

import ai.djl.inference.Predictor;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.Detector;
import java.util.List;

/**
 * A worker's own DJL Predictor (each predict call scopes its NDArrays in a manager closed after
 * it); batches go to the detector's batched forward, which scopes its arrays the same way.
 */
final class PredictorRunner implements WorkerPool.Runner<DetectionInput, DetectionResult> {

    private final Detector detector;
    private final Predictor<DetectionInput, DetectionResult> predictor;

    PredictorRunner(Detector detector, Predictor<DetectionInput, DetectionResult> predictor) {
        this.detector = detector;
        this.predictor = predictor;
    }

    @Override
    public DetectionResult run(DetectionInput input) throws Exception {
        return predictor.predict(input);
    }

    @Override
    public List<DetectionResult> runBatch(List<DetectionInput> inputs) {
        return detector.detectBatch(inputs);
    }

    @Override
    public void close() {
        predictor.close();
    }
}
