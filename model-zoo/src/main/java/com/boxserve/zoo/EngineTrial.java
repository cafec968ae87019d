package com.boxserve.zoo;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One engine timed on one image, beside the others it is weighed against: each model loaded on its
 * engine and warmed up ({@link #warm}), then their forwards alternated pass by pass
 * ({@link #alternate}), of which each engine's median is its figure. Alternating matters where the
 * machine drifts while they are timed: at a service's start the JIT compiler and Spring share the
 * cores, and an engine timed after the other would be weighed on a quieter machine (the 320
 * MobileNet once measured 135 ms on ONNX Runtime timed second at start-up, against 78 ms in
 * process, and lost to PyTorch's 128). The detectors stay loaded for the caller to serve or close.
 * The image is the directory's first reference image, the one the parity tests use, so that the
 * engines' answers on it can be held to the parity rules.
 *
 * @param detector the model, loaded on the engine
 * @param medianMillis the median forward time, in milliseconds
 * @param result what the engine answered on the image, with the export's own threshold and cap
 */
public record EngineTrial(Detector detector, double medianMillis, DetectionResult result) {

    /** libtorch's graph executor profiles the first forward and optimises on the second: both run many times slower. */
    public static final int WARM_UPS = 2;

    /** The model loaded on one engine and warmed up on the image; closed again if either fails. */
    public static Detector warm(ModelDirectory directory, LoadOptions options, Image image) throws TranslateException {
        Detector detector = Detector.load(directory, options);
        try {
            detector.warmUp(image, WARM_UPS);
            return detector;
        } catch (TranslateException | RuntimeException e) {
            detector.close();
            throw e;
        }
    }

    /** Warm detectors timed in turn, {@code passes} forwards each: their trials, in their order. Closes none. */
    public static List<EngineTrial> alternate(List<Detector> detectors, Image image, int passes)
            throws TranslateException {
        double[][] millis = new double[detectors.size()][passes];
        DetectionResult[] results = new DetectionResult[detectors.size()];
        for (int pass = 0; pass < passes; pass++) {
            for (int d = 0; d < detectors.size(); d++) {
                Detector.stopIfInterrupted();
                long started = System.nanoTime();
                results[d] = detectors.get(d).detect(image, DetectionOptions.defaults());
                millis[d][pass] = (System.nanoTime() - started) / 1e6;
            }
        }
        List<EngineTrial> trials = new ArrayList<>();
        for (int d = 0; d < detectors.size(); d++) {
            Arrays.sort(millis[d]);
            trials.add(new EngineTrial(detectors.get(d), millis[d][passes / 2], results[d]));
        }
        return trials;
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
