package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import ai.djl.Device;
import ai.djl.modality.cv.ImageFactory;
import com.boxserve.zoo.precision.Agreement;
import com.boxserve.zoo.precision.CpuFeatures;
import com.boxserve.zoo.precision.Int8Artifact;
import com.boxserve.zoo.precision.Int8Export;
import com.boxserve.zoo.precision.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 export of the smallest model, end to end: quantized, calibrated, its agreement with fp32
 * measured and recorded, and served only where the CPU has VNNI. The floor is on the feature maps:
 * with random weights the backbone is chaotic and the detections barely agree even for bf16-sized
 * errors, while a broken quantization (a wrong scale, zero point or weight layout) leaves the maps
 * uncorrelated with fp32's.
 */
class Int8ExportTest {

    private static final String NAME = "fasterrcnn_mobilenet_v3_large_320_fpn";
    static final double FEATURE_COSINE_FLOOR = 0.5;

    @Test
    void writesTheInt8ModelWithItsAgreementAndServesItOnlyWithVnni(@TempDir Path copy) throws Exception {
        TestModels.copyForExport(NAME, copy);
        List<Path> calibration = Int8Export.images(TestModels.directory(NAME).referencesDirectory());
        Int8Artifact made = Int8Export.export(copy, calibration, TestModels.exporterTools());

        ModelDirectory directory = ModelDirectory.open(copy);
        assertEquals(Optional.of(made), directory.metadata().int8(), "detector.json records what was made");
        assertTrue(Files.size(directory.modelFile(InferenceEngine.ONNX_RUNTIME, Precision.INT8))
                < Files.size(directory.modelFile(InferenceEngine.ONNX_RUNTIME)), "the backbone's weights in bytes, not floats");
        Agreement agreement = made.agreement();
        System.out.println(NAME + " int8: " + agreement.describe());
        assertEquals(calibration.size() + Agreement.SCENES, agreement.images());
        assertEquals(agreement.fp32Detections(), Math.round(agreement.matchedShare() * agreement.fp32Detections())
                + agreement.lost());
        assertTrue(made.warning().contains("int8") && made.warning().contains("cosine"), made.warning());

        LoadOptions int8 = new LoadOptions(InferenceEngine.ONNX_RUNTIME, Device.cpu(), 0, Map.of(), Precision.INT8);
        Optional<String> missing = CpuFeatures.current().missingFor(Precision.INT8);
        if (missing.isPresent()) {
            assertEquals(missing.get(), assertThrows(IllegalArgumentException.class,
                    () -> Detector.load(directory, int8)).getMessage(), "never emulated slowly");
            // emulated int8 kernels (u8 x s8 pairs summed in int16 without VNNI) may saturate: no floor there
            abort("the agreement floor holds where int8 is served: " + missing.get());
        }
        assertTrue(agreement.minFeatureCosine() >= FEATURE_COSINE_FLOOR && agreement.minFeatureCosine() < 1,
                "feature maps near fp32's, not equal: " + agreement.describe());
        try (Detector detector = Detector.load(directory, int8)) {
            assertEquals(Precision.INT8, detector.precision());
            DetectionResult result = detector.detect(ImageFactory.getInstance().fromFile(
                    directory.referencesDirectory().resolve("landscape-640x480.png")), DetectionOptions.defaults());
            assertEquals(640, result.width());
        }
        assertThrows(IllegalArgumentException.class, () -> Detector.load(directory,
                new LoadOptions(InferenceEngine.PYTORCH, Device.cpu(), 0, Map.of(), Precision.INT8)));
    }
}
