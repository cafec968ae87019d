package com.boxserve.zoo;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One engine timed on one image: the model loaded on it, warmed up once, then {@code passes}
 * forwards, of which the median is the figure. The detector stays loaded for the caller to serve
 * or close. The image is the directory's first reference image, the one the parity tests use,
 * so that the two engines' answers on it can be held to the parity rules.
 *
 * @param detector the model, loaded on the engine
 * @param medianMillis the median forward time, in milliseconds
 * @param result what the engine answered on the image, with the export's own threshold and cap
 */
public record EngineTrial(Detector detector, double medianMillis, DetectionResult result) {

    public static EngineTrial run(ModelDirectory directory, LoadOptions options, Image image, int passes)
            throws TranslateException {
        Detector detector = Detector.load(directory, options);
        try {
            detector.detect(image, DetectionOptions.defaults());
            double[] millis = new double[passes];
            DetectionResult result = null;
            for (int i = 0; i < passes; i++) {
                Detector.stopIfInterrupted();
                long started = System.nanoTime();
                result = detector.detect(image, DetectionOptions.defaults());
                millis[i] = (System.nanoTime() - started) / 1e6;
            }
            Arrays.sort(millis);
            return new EngineTrial(detector, millis[passes / 2], result);
        } catch (TranslateException | RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    /** The image two engines are timed and compared on: the first reference image, if the export has one. */
    public static Optional<Image> referenceImage(ModelDirectory directory) {
        Path references = directory.referencesDirectory();
        if (!Files.isDirectory(references)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(references)) {
            Optional<Path> first = files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().findFirst();
            return first.isEmpty() ? Optional.empty() : Optional.of(ImageFactory.getInstance().fromFile(first.get()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether this trial's answer and another engine's agree by the parity rules ({@link ParityReport}). */
    public ParityReport compareWith(EngineTrial other) {
        DetectorMetadata metadata = detector.metadata();
        return ParityReport.compare(result.detections(), other.result.detections(), metadata.detectionsPerImage(),
                metadata.scoreThreshold(), metadata.nmsThreshold());
    }
}
