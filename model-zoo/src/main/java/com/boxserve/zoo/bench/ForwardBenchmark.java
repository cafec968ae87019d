package com.boxserve.zoo.bench;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.Detector;
import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.ModelDirectory;
import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times one detection (translator included) per model and engine, after warm-up, and prints
 * one JSON object per line. {@code bin/benchmark} runs it beside torchvision.
 *
 * <p>Arguments: models directory, image, warm-up passes, timed passes, threads, model names (or none for all).
 */
public final class ForwardBenchmark {

    private ForwardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path modelsDir = Path.of(args[0]);
        Image image = ImageFactory.getInstance().fromFile(Path.of(args[1]));
        int warmup = Integer.parseInt(args[2]);
        int passes = Integer.parseInt(args[3]);
        String threads = args[4];
        List<String> names = Arrays.asList(args).subList(5, args.length);
        for (Path dir : ModelDirectory.find(modelsDir)) {
            ModelDirectory directory = ModelDirectory.open(dir);
            if (!names.isEmpty() && !names.contains(directory.metadata().name())) {
                continue;
            }
            for (InferenceEngine engine : InferenceEngine.values()) {
                if (directory.metadata().modelFile(engine).isEmpty()) {
                    continue;
                }
                Map<String, String> engineOptions = engine == InferenceEngine.ONNX_RUNTIME
                        ? Map.of("intraOpNumThreads", threads, "interOpNumThreads", "1") : Map.of();
                long loadStart = System.nanoTime();
                try (Detector detector = Detector.load(directory, new LoadOptions(engine, Device.cpu(), 0, engineOptions))) {
                    double loadMs = (System.nanoTime() - loadStart) / 1e6;
                    double firstMs = time(detector, image);
                    for (int i = 1; i < warmup; i++) {
                        time(detector, image);
                    }
                    double[] ms = new double[passes];
                    int detections = 0;
                    for (int i = 0; i < passes; i++) {
                        long start = System.nanoTime();
                        DetectionResult result = detector.detect(image, DetectionOptions.defaults());
                        ms[i] = (System.nanoTime() - start) / 1e6;
                        detections = result.detections().size();
                    }
                    Arrays.sort(ms);
                    System.out.printf(Locale.ROOT, "{\"kind\": \"forward\", \"model\": \"%s\", \"engine\": \"%s\", \"loadMs\": %.1f, \"firstMs\": %.1f,"
                            + " \"medianMs\": %.1f, \"p90Ms\": %.1f, \"passes\": %d, \"detections\": %d}%n",
                            directory.metadata().name(), engine.djlName(), loadMs, firstMs, percentile(ms, 0.5),
                            percentile(ms, 0.9), passes, detections);
                }
            }
        }
    }

    private static double time(Detector detector, Image image) throws Exception {
        long start = System.nanoTime();
        detector.detect(image, DetectionOptions.defaults());
        return (System.nanoTime() - start) / 1e6;
    }

    /** Nearest-rank percentile of sorted values. */
    public static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
