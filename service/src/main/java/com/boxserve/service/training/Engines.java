package com.boxserve.service.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.Function;

/** The training API's engine: DJL's PyTorch engine, the one that serves TorchScript detections. */
public final class Engines {

    static final String PYTORCH = "PyTorch";

    private Engines() {
    }

    /** A manager for one request: every array made in it is freed when it closes. */
    public static NDManager newManager() {
        return NDManager.newBaseManager(Device.cpu(), PYTORCH);
    }

    /**
     * Runs work that records and differentiates. DJL's PyTorch engine allows one collecting
     * GradientCollector at a time in the whole JVM, so concurrent runs take turns here.
     */
    public static <T> T withGradients(Function<GradientCollector, T> work) {
        synchronized (Engines.class) {
            try (GradientCollector collector = Engine.getEngine(PYTORCH).newGradientCollector()) {
                return work.apply(collector);
            }
        }
    }
}
