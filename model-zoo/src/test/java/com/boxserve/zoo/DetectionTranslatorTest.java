package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The translator's post-processing on hand-made model outputs, and its pixel conversion. */
class DetectionTranslatorTest {

    static final DetectorMetadata METADATA = new DetectorMetadata("fasterrcnn_resnet50_fpn",
            DetectorArchitecture.FASTERRCNN_RESNET50_FPN, new WeightsProvenance("random", null, null, 0L),
            0.05f, 0.5f, 100, "fasterrcnn_resnet50_fpn.pt", null, "1.0.0", "1.13", "0.14", null, null);

    // three detections, best first: a person, a dog, a person
    static final float[] BOXES = {10, 20, 110, 220, 50, 50, 60, 70, 0, 0, 640, 480};
    static final float[] SCORES = {0.9f, 0.6f, 0.3f};
    static final long[] LABELS = {1, 18, 1};

    private final DetectionTranslator translator = new DetectionTranslator(METADATA, 0);

    private DetectionResult translate(DetectionOptions options, int width, int height, int inputWidth, int inputHeight) {
        options.validateFor(METADATA);
        var frame = new DetectionTranslator.Frame(width, height, inputWidth, inputHeight, options);
        return translator.toResult(frame, BOXES, SCORES, LABELS);
    }

    @Test
    void namesLabelsAndKeepsBoxesAtTheSizeTheModelSaw() {
        DetectionResult result = translate(DetectionOptions.defaults(), 640, 480, 640, 480);
        assertEquals(640, result.width());
        assertEquals(480, result.height());
        assertEquals(List.of("person", "dog", "person"), result.detections().stream().map(Detection::label).toList());
        assertEquals(new Box(10, 20, 110, 220), result.detections().get(0).box());
        assertEquals(18, result.detections().get(1).categoryId());
        assertEquals(0.6f, result.detections().get(1).score());
    }

    @Test
    void rescalesBoxesFromTheShrunkInputToOriginalPixelsAndClipsThem() {
        // a 2560x1920 photo fed to the model at 640x480: every coordinate times 4, clipped to the photo
        DetectionResult result = translate(DetectionOptions.defaults(), 2560, 1920, 640, 480);
        assertEquals(new Box(40, 80, 440, 880), result.detections().get(0).box());
        assertEquals(new Box(0, 0, 2560, 1920), result.detections().get(2).box());
        // non-uniform rounding of the shrunk size rescales each axis on its own
        DetectionResult skewed = translate(DetectionOptions.defaults(), 1001, 500, 500, 250);
        Box box = skewed.detections().get(1).box();
        assertEquals(50 * 1001.0 / 500, box.x1(), 1e-9);
        assertEquals(50 * 2.0, box.y1(), 1e-9);
    }

    @Test
    void appliesThePerCallThreshold() {
        DetectionResult result = translate(new DetectionOptions(0.5f, Set.of(), null), 640, 480, 640, 480);
        assertEquals(List.of(0.9f, 0.6f), result.detections().stream().map(Detection::score).toList());
    }

    @Test
    void refusesAThresholdBelowTheExportedOne() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> new DetectionOptions(0.01f, Set.of(), null).validateFor(METADATA));
        assertTrue(error.getMessage().contains("0.05"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DetectionOptions(Float.NaN, Set.of(), null).validateFor(METADATA));
        assertThrows(IllegalArgumentException.class, () -> new DetectionOptions(1.5f, Set.of(), null).validateFor(METADATA));
    }

    @Test
    void filtersByClass() {
        DetectionResult result = translate(new DetectionOptions(null, Set.of(1), null), 640, 480, 640, 480);
        assertEquals(List.of("person", "person"), result.detections().stream().map(Detection::label).toList());
        DetectionResult none = translate(new DetectionOptions(null, Set.of(3), null), 640, 480, 640, 480);
        assertTrue(none.detections().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new DetectionOptions(null, Set.of(12), null).validateFor(METADATA));
    }

    @Test
    void capsTheDetectionsBestFirst() {
        DetectionResult result = translate(new DetectionOptions(null, Set.of(), 2), 640, 480, 640, 480);
        assertEquals(List.of(0.9f, 0.6f), result.detections().stream().map(Detection::score).toList());
        assertThrows(IllegalArgumentException.class, () -> new DetectionOptions(null, Set.of(), 0).validateFor(METADATA));
    }

    @Test
    void rejectsOutputsOfMismatchedLengths() {
        var frame = new DetectionTranslator.Frame(10, 10, 10, 10, DetectionOptions.defaults());
        assertThrows(IllegalStateException.class, () -> translator.toResult(frame, new float[4], new float[2], new long[2]));
    }

    @Test
    void convertsPixelsExactlyAsTorchvisionToTensor() {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff8001);
        image.setRGB(1, 0, 0x00fe7f);
        float[] chw = DetectionTranslator.toChw(ImageFactory.getInstance().fromImage(image), null);
        // planes R, G, B; each value one float32 division by 255
        float[] expected = {255 / 255f, 0, 128 / 255f, 254 / 255f, 1 / 255f, 127 / 255f};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(chw[i]), "value " + i);
        }
    }
}
