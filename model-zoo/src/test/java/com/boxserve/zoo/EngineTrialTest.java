package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.cv.Image;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

/** Two engines timed in alternation on the reference image, each trial holding its own engine's answer. */
class EngineTrialTest {

    private static final String NAME = "fasterrcnn_mobilenet_v3_large_320_fpn";

    @Test
    void eachTrialKeepsItsEnginesDetectorAnswerAndMedian() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        Image image = EngineTrial.referenceImage(directory).orElseThrow();
        try (Detector pytorch = EngineTrial.warm(directory, LoadOptions.of(InferenceEngine.PYTORCH), image);
                Detector onnx = EngineTrial.warm(directory, LoadOptions.of(InferenceEngine.ONNX_RUNTIME), image)) {
            List<EngineTrial> trials = EngineTrial.alternate(List.of(pytorch, onnx), image, 3);
            assertEquals(2, trials.size());
            for (int i = 0; i < 2; i++) {
                EngineTrial trial = trials.get(i);
                assertSame(List.of(pytorch, onnx).get(i), trial.detector());
                // the engines agree within the parity rules but not to the bit, so a swapped answer shows
                assertEquals(trial.detector().detect(image, DetectionOptions.defaults()).detections(),
                        trial.result().detections());
                assertTrue(trial.medianMillis() > 0);
            }
            assertTrue(trials.get(0).compareWith(trials.get(1)).withinParityRules());
        }
    }

    @Test
    void stopsBeforeTheNextForwardOnceTheThreadIsInterrupted() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        Image image = EngineTrial.referenceImage(directory).orElseThrow();
        try (Detector onnx = EngineTrial.warm(directory, LoadOptions.of(InferenceEngine.ONNX_RUNTIME), image)) {
            Thread.currentThread().interrupt();
            try {
                assertThrows(CancellationException.class, () -> EngineTrial.alternate(List.of(onnx), image, 50));
            } finally {
                Thread.interrupted();
            }
        }
    }
}
