package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A loaded detector: facts from its metadata, per-call options, and use from many threads at once. */
class DetectorTest {

    private static final String NAME = "fasterrcnn_mobilenet_v3_large_320_fpn";

    @Test
    void metadataAgreesWithTheZoosFacts() {
        for (DetectorArchitecture architecture : DetectorArchitecture.values()) {
            DetectorMetadata metadata = TestModels.directory(architecture.modelName()).metadata();
            assertEquals(architecture, metadata.architecture());
            assertTrue(metadata.weights().isRandom(), "test models carry random weights");
            assertTrue(metadata.weights().describe().contains("RANDOM"));
            assertTrue(metadata.modelFile(InferenceEngine.PYTORCH).isPresent());
            assertTrue(metadata.modelFile(InferenceEngine.ONNX_RUNTIME).isPresent());
        }
    }

    @Test
    void perCallOptionsFilterTheModelsDetections() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        Image image = ImageFactory.getInstance().fromFile(directory.referencesDirectory().resolve("portrait-400x600.png"));
        try (Detector detector = Detector.load(directory, LoadOptions.of(InferenceEngine.PYTORCH))) {
            List<Detection> all = detector.detect(image, DetectionOptions.defaults()).detections();
            assertTrue(all.size() > 3);
            float median = all.get(all.size() / 2).score();
            List<Detection> confident = detector.detect(image, new DetectionOptions(median, Set.of(), null)).detections();
            assertEquals(all.stream().filter(d -> d.score() >= median).toList(), confident);

            int label = all.get(0).categoryId();
            List<Detection> oneClass = detector.detect(image, new DetectionOptions(null, Set.of(label), 2)).detections();
            assertEquals(all.stream().filter(d -> d.categoryId() == label).limit(2).toList(), oneClass);

            assertThrows(IllegalArgumentException.class, () -> detector.detect(image,
                    new DetectionOptions(detector.metadata().scoreThreshold() / 2, Set.of(), null)));
        }
    }

    @Test
    void givesTheSameDetectionsFromManyThreads() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        List<Image> images = List.of(
                ImageFactory.getInstance().fromFile(directory.referencesDirectory().resolve("landscape-640x480.png")),
                ImageFactory.getInstance().fromFile(directory.referencesDirectory().resolve("portrait-400x600.png")));
        for (InferenceEngine engine : InferenceEngine.values()) {
            try (Detector detector = Detector.load(directory, LoadOptions.of(engine))) {
                List<DetectionResult> expected = new ArrayList<>();
                for (Image image : images) {
                    expected.add(detector.detect(image, DetectionOptions.defaults()));
                }
                ExecutorService pool = Executors.newFixedThreadPool(4);
                try {
                    List<Future<Boolean>> calls = new ArrayList<>();
                    for (int i = 0; i < 16; i++) {
                        int which = i % 2;
                        calls.add(pool.submit(() -> expected.get(which)
                                .equals(detector.detect(images.get(which), DetectionOptions.defaults()))));
                    }
                    for (Future<Boolean> call : calls) {
                        assertTrue(call.get(), engine + ": a concurrent call returned other detections");
                    }
                } finally {
                    pool.shutdown();
                }
            }
        }
    }

    @Test
    void loadsInPlainDjlFromServingProperties() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        Image image = ImageFactory.getInstance().fromFile(directory.referencesDirectory().resolve("portrait-400x600.png"));
        // no engine, model name or translator: serving.properties names them, as in DJL tooling
        Criteria<DetectionInput, DetectionResult> criteria = Criteria.builder()
                .setTypes(DetectionInput.class, DetectionResult.class)
                .optModelPath(directory.path())
                .optTranslatorFactory(new DeferredTranslatorFactory())
                .build();
        try (ZooModel<DetectionInput, DetectionResult> model = criteria.loadModel();
                Predictor<DetectionInput, DetectionResult> predictor = model.newPredictor();
                Detector detector = Detector.load(directory, LoadOptions.of(InferenceEngine.PYTORCH))) {
            assertEquals(detector.detect(image, DetectionOptions.defaults()), predictor.predict(new DetectionInput(image)));
        }
    }

    @Test
    void refusesToWorkOnceClosed() {
        Detector detector = Detector.load(TestModels.directory(NAME), LoadOptions.of(InferenceEngine.PYTORCH));
        detector.close();
        assertThrows(IllegalStateException.class, detector::newPredictor);
        assertFalse(detector.metadata().name().isEmpty());
    }
}
