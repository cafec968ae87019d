package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.boxserve.zoo.precision.Precision;
import com.boxserve.zoo.precision.TorchScriptTrial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A TorchScript model's forwards in a child JVM: a model that runs passes, one libtorch cannot run fails with why. */
class TorchScriptTrialTest {

    @Test
    void aDetectorRunsAndAFileThatIsNoModelFails(@TempDir Path folder) throws Exception {
        ModelDirectory directory = TestModels.directory("fasterrcnn_mobilenet_v3_large_320_fpn");
        assertEquals(Optional.empty(), TorchScriptTrial.failure(directory.modelFile(InferenceEngine.PYTORCH, Precision.FP32)));

        Path broken = Files.writeString(folder.resolve("broken.pt"), "not a TorchScript archive");
        Optional<String> failure = TorchScriptTrial.failure(broken);
        assertTrue(failure.isPresent() && failure.get().startsWith("exit "), failure.toString());
    }
}
