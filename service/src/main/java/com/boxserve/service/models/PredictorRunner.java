package com.boxserve.service.models;

import ai.djl.inference.Predictor;
import com.boxserve.service.workload.WorkerPool;
import com.boxserve.zoo.DetectionInput;
import com.boxserve.zoo.DetectionResult;

/** A worker's own DJL Predictor: each predict call scopes its NDArrays in a manager closed after it. */
final class PredictorRunner implements WorkerPool.Runner<DetectionInput, DetectionResult> {

    private final Predictor<DetectionInput, DetectionResult> predictor;

    PredictorRunner(Predictor<DetectionInput, DetectionResult> predictor) {
        this.predictor = predictor;
    }

    @Override
    public DetectionResult run(DetectionInput input) throws Exception {
        return predictor.predict(input);
    }

    @Override
    public void close() {
        predictor.close();
    }
}
