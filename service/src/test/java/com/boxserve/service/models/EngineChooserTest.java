package com.boxserve.service.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.ParityReport;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The choice itself, on figures and agreements made up for it. */
class EngineChooserTest {

    private static final ParityReport AGREE = new ParityReport(40, 40, 0, 0.0001, 2e-7, List.of());

    @Test
    void theFasterEngineServesWhenTheAnswersAgree() {
        assertEquals(InferenceEngine.ONNX_RUNTIME, EngineChooser.decide(157, 117, AGREE).toEngine());
        assertEquals(InferenceEngine.PYTORCH, EngineChooser.decide(90, 117, AGREE).toEngine());
        EngineChoice choice = EngineChooser.decide(157, 117, AGREE);
        assertEquals(157.0, choice.pytorchMillis());
        assertEquals(117.0, choice.onnxRuntimeMillis());
        assertTrue(choice.reason().contains("OnnxRuntime 117.0 ms, PyTorch 157.0 ms"), choice.reason());
    }

    @Test
    void pytorchServesWhenTheEnginesDisagreeBeyondTheParityRules() {
        ParityReport scoresDrift = new ParityReport(40, 40, 0, 0.0001, 3e-3, List.of());
        ParityReport boxMissing = new ParityReport(39, 40, 0, 0.0001, 2e-7, List.of("missing person 0.91"));
        for (ParityReport disagreement : List.of(scoresDrift, boxMissing)) {
            EngineChoice choice = EngineChooser.decide(300, 100, disagreement);
            assertEquals(InferenceEngine.PYTORCH, choice.toEngine(), "even at a third of the time");
            assertTrue(choice.reason().contains("differ beyond the parity rules"), choice.reason());
        }
    }
}
