package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.DeferredTranslatorFactory;
import com.boxserve.zoo.precision.Precision;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
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
    void warmUpStopsBetweenForwardsOnceTheThreadIsInterrupted() throws Exception {
        try (Detector detector = Detector.load(TestModels.directory(NAME), LoadOptions.of(InferenceEngine.PYTORCH))) {
            Thread.currentThread().interrupt();
            try {
                long started = System.nanoTime();
                assertThrows(java.util.concurrent.CancellationException.class, () -> detector.warmUp(50));
                assertTrue(System.nanoTime() - started < 2_000_000_000L, "no forward ran after the interrupt");
            } finally {
                Thread.interrupted();
            }
            detector.warmUp(1); // and the detector still works
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
    void handsEngineOptionsToTheEngine() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        Image image = ImageFactory.getInstance().fromFile(directory.referencesDirectory().resolve("portrait-400x600.png"));
        List<Detection> expected;
        try (Detector plain = Detector.load(directory, LoadOptions.of(InferenceEngine.ONNX_RUNTIME))) {
            expected = plain.detect(image, DetectionOptions.defaults()).detections();
        }
        try (Detector tuned = Detector.load(directory, new LoadOptions(InferenceEngine.ONNX_RUNTIME, Device.cpu(), 0,
                Map.of("executionMode", "PARALLEL", "intraOpNumThreads", "1"), Precision.FP32))) {
            assertEquals(expected, tuned.detect(image, DetectionOptions.defaults()).detections());
        }
        // an option the engine reads and refuses shows that options reach it
        assertThrows(ModelDirectoryException.class, () -> Detector.load(directory, new LoadOptions(
                InferenceEngine.ONNX_RUNTIME, Device.cpu(), 0, Map.of("optLevel", "NO_SUCH_LEVEL"), Precision.FP32)));
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
    void aBatchOfSameSizeImagesGivesEachImageItsOwnDetections() throws Exception {
        ModelDirectory directory = TestModels.directory(NAME);
        BufferedImage landscape = ImageIO.read(directory.referencesDirectory().resolve("landscape-640x480.png").toFile());
        BufferedImage mirrored = new BufferedImage(landscape.getWidth(), landscape.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < landscape.getHeight(); y++) {
            for (int x = 0; x < landscape.getWidth(); x++) {
                mirrored.setRGB(landscape.getWidth() - 1 - x, y, landscape.getRGB(x, y));
            }
        }
        List<Image> images = List.of(ImageFactory.getInstance().fromImage(landscape),
                ImageFactory.getInstance().fromImage(mirrored), ImageFactory.getInstance().fromImage(landscape));
        try (Detector detector = Detector.load(directory, LoadOptions.of(InferenceEngine.PYTORCH))) {
            List<DetectionResult> batched = detector.detectBatch(images.stream().map(DetectionInput::new).toList());
            assertEquals(3, batched.size());
            for (int i = 0; i < images.size(); i++) {
                DetectionResult alone = detector.detect(images.get(i), DetectionOptions.defaults());
                ParityReport report = ParityReport.compare(alone.detections(), batched.get(i).detections(),
                        detector.metadata().detectionsPerImage(), detector.metadata().scoreThreshold(),
                        detector.metadata().nmsThreshold());
                assertFalse(alone.detections().isEmpty());
                assertEquals(alone.detections().size(), report.matched(), "image " + i + ": " + report);
                assertEquals(0, report.extra(), "image " + i + ": " + report);
                assertTrue(report.maxBoxDifference() <= 0.1 && report.maxScoreDifference() <= 1e-4, report.toString());
            }
        }
        try (Detector onnx = Detector.load(directory, LoadOptions.of(InferenceEngine.ONNX_RUNTIME))) {
            assertThrows(UnsupportedOperationException.class, () -> onnx.detectBatch(List.of(new DetectionInput(images.get(0)))));
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
