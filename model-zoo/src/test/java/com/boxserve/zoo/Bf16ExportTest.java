package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import ai.djl.Device;
import ai.djl.modality.cv.ImageFactory;
import com.boxserve.zoo.precision.Agreement;
import com.boxserve.zoo.precision.Bf16Artifact;
import com.boxserve.zoo.precision.Bf16Export;
import com.boxserve.zoo.precision.CpuFeatures;
import com.boxserve.zoo.precision.Precision;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bf16 export of the smallest model, end to end: made from the fp32 TorchScript's weights, its
 * agreement with fp32 measured (in torch, on any CPU) and recorded, and served only where the CPU
 * has bf16 dot products. bf16 rounds every activation to 8 bits of mantissa, far less than int8's
 * 256 levels, so its feature maps' floor is higher than int8's (0.969 measured on this model); a
 * part left in fp32 weights with bf16 inputs, or a wrong cast, fails to run or falls far below it.
 */
class Bf16ExportTest {

    private static final String NAME = "fasterrcnn_mobilenet_v3_large_320_fpn";
    static final double FEATURE_COSINE_FLOOR = 0.9;

    @Test
    void writesTheBf16ModelWithItsAgreementAndServesItOnlyWithBf16DotProducts(@TempDir Path copy) throws Exception {
        TestModels.copyForExport(NAME, copy);
        Bf16Artifact made = Bf16Export.export(copy, TestModels.exporterTools());

        ModelDirectory directory = ModelDirectory.open(copy);
        assertEquals(Optional.of(made), directory.metadata().bf16(), "detector.json records what was made");
        assertEquals(copy.resolve(NAME + ".bf16.pt"), directory.modelFile(InferenceEngine.PYTORCH, Precision.BF16));
        Agreement agreement = made.agreement();
        System.out.println(NAME + " bf16, " + made.layout() + ": " + agreement.describe());
        assertEquals(2 + Agreement.SCENES, agreement.images(), "the export's two reference images and the scenes");
        assertEquals(agreement.fp32Detections(), Math.round(agreement.matchedShare() * agreement.fp32Detections())
                + agreement.lost());
        assertTrue(agreement.minFeatureCosine() >= FEATURE_COSINE_FLOOR && agreement.minFeatureCosine() < 1,
                "feature maps near fp32's, not equal: " + agreement.describe());
        assertTrue(made.warning().contains("bf16") && made.warning().contains("cosine"), made.warning());

        assertThrows(IllegalArgumentException.class, () -> Detector.load(directory,
                new LoadOptions(InferenceEngine.ONNX_RUNTIME, Device.cpu(), 0, Map.of(), Precision.BF16)),
                "bf16 is a TorchScript model only");
        LoadOptions bf16 = new LoadOptions(InferenceEngine.PYTORCH, Device.cpu(), 0, Map.of(), Precision.BF16);
        Optional<String> missing = CpuFeatures.current().missingFor(Precision.BF16);
        if (missing.isPresent()) {
            assertEquals(missing.get(), assertThrows(IllegalArgumentException.class,
                    () -> Detector.load(directory, bf16)).getMessage(), "never emulated slowly");
            abort("bf16 is served where the CPU has bf16 dot products: " + missing.get());
        }
        try (Detector detector = Detector.load(directory, bf16)) {
            assertEquals(Precision.BF16, detector.precision());
            DetectionResult result = detector.detect(ImageFactory.getInstance().fromFile(
                    directory.referencesDirectory().resolve("landscape-640x480.png")), DetectionOptions.defaults());
            assertEquals(640, result.width());
            assertTrue(!result.detections().isEmpty(), "libtorch runs the bf16 graph to detections");
        }
    }
}
