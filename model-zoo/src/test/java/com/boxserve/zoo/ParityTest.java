package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java detections equal torchvision's own (eager, C++ ops) for all seven models on both
 * engines, on the reference images the exporter stored beside each model.
 */
class ParityTest {

    static Stream<Arguments> modelsAndEngines() {
        return DetectorArchitecture.modelNames().stream()
                .flatMap(name -> Stream.of(InferenceEngine.values()).map(engine -> Arguments.of(name, engine)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("modelsAndEngines")
    void javaDetectionsEqualTorchvision(String name, InferenceEngine engine) throws Exception {
        ModelDirectory directory = TestModels.directory(name);
        DetectorMetadata metadata = directory.metadata();
        List<Path> references;
        try (Stream<Path> files = Files.list(directory.referencesDirectory())) {
            references = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(references.size() >= 2, "at least two reference images");
        try (Detector detector = Detector.load(directory, LoadOptions.of(engine))) {
            for (Path referenceFile : references) {
                JsonObject reference = JsonParser.parseString(Files.readString(referenceFile)).getAsJsonObject();
                Path imageFile = directory.referencesDirectory().resolve(reference.get("image").getAsString());
                Image image = ImageFactory.getInstance().fromFile(imageFile);
                DetectionResult result = detector.detect(image, DetectionOptions.defaults());
                List<Detection> expected = detections(reference);

                assertEquals(reference.get("width").getAsInt(), result.width());
                assertEquals(reference.get("height").getAsInt(), result.height());
                ParityReport report = ParityReport.compare(expected, result.detections(), metadata.detectionsPerImage(),
                        metadata.scoreThreshold(), metadata.nmsThreshold());
                System.out.printf("PARITY %-38s %-11s %-20s %s%n", name, engine.djlName(), imageFile.getFileName(), report);
                assertTrue(report.maxBoxDifference() <= ParityReport.MAX_BOX_DIFFERENCE, "box difference over matched pairs: " + report);
                assertTrue(report.maxScoreDifference() <= ParityReport.MAX_SCORE_DIFFERENCE, "score difference over matched pairs: " + report);
                if (engine == InferenceEngine.PYTORCH) {
                    assertEquals(expected.size(), result.detections().size(), "detection count on " + imageFile);
                    assertEquals(expected.size(), report.matched(), "every TorchScript detection matches: " + report);
                } else {
                    // ONNX Runtime's kernels round differently: its count may differ only by near-ties
                    assertTrue(report.matched() >= Math.ceil(ParityReport.MIN_MATCHED_SHARE * expected.size()), "98 % match on ONNX: " + report);
                    assertTrue(report.unexplained().isEmpty(), "every ONNX difference is a near-tie: " + report);
                }
            }
        }
    }

    private static List<Detection> detections(JsonObject reference) {
        List<Detection> detections = new ArrayList<>();
        for (JsonElement element : reference.getAsJsonArray("detections")) {
            JsonObject d = element.getAsJsonObject();
            var box = d.getAsJsonArray("box");
            int label = d.get("label").getAsInt();
            detections.add(new Detection(CocoCategories.name(label), label, d.get("score").getAsFloat(),
                    new Box(box.get(0).getAsDouble(), box.get(1).getAsDouble(),
                            box.get(2).getAsDouble(), box.get(3).getAsDouble())));
        }
        return detections;
    }
}
