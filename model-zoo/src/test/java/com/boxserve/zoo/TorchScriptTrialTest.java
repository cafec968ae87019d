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
    void aDetectorRunsAndAFileThatIsNoModelFailsWithWhy(@TempDir Path folder) throws Exception {
        Path detector = TestModels.directory("fasterrcnn_mobilenet_v3_large_320_fpn")
                .modelFile(InferenceEngine.PYTORCH, Precision.FP32);
        assertEquals(Optional.empty(), TorchScriptTrial.failure(detector));

        Path broken = Files.writeString(folder.resolve("broken.pt"), "not a TorchScript archive");
        Optional<String> failure = TorchScriptTrial.failure(broken);
        assertTrue(failure.isPresent() && failure.get().startsWith("exit 1: trial failed: "), failure.toString());
    }

    @Test
    void aCrashIsToldByItsSignalFrameAndReport() {
        String crash = """
                trial: engine ready
                #
                # A fatal error has been detected by the Java Runtime Environment:
                #
                #  SIGSEGV (0xb) at pc=0x00007f0c, pid=4242, tid=4243
                #
                # JRE version: OpenJDK Runtime Environment (17.0.13+11)
                # Problematic frame:
                # C  [libtorch_cpu.so+0x5a1b2c3]  dnnl::impl::cpu::x64::brgemm_convolution_utils::brg_blocking_t::est_eff_1x1()
                #
                # An error report file with more information is saved as:
                # /tmp/boxserve-trial-hs_err_pid4242.log
                #
                """;
        assertEquals(String.join("\n", "#  SIGSEGV (0xb) at pc=0x00007f0c, pid=4242, tid=4243",
                "# C  [libtorch_cpu.so+0x5a1b2c3]  dnnl::impl::cpu::x64::brgemm_convolution_utils::brg_blocking_t::est_eff_1x1()",
                "# /tmp/boxserve-trial-hs_err_pid4242.log"), TorchScriptTrial.reason(crash));
    }
}
