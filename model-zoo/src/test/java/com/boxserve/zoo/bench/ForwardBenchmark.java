package com.boxserve.zoo.bench;

import ai.djl.Device;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectionResult;
import com.boxserve.zoo.Detector;
import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.ModelDirectory;
import com.boxserve.zoo.precision.Precision;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * Times one detection (translator included) per model and engine, after warm-up, and prints
 * one JSON object per line. {@code bin/benchmark} runs it beside torchvision.
 *
 * <p>Arguments: models directory, image, warm-up passes, timed passes, threads, model names (or none for all).
 */
public final class ForwardBenchmark {

    /** Engine options to try, e.g. {@code -Dbench.engineOptions=optLevel=EXTENDED_OPT,executionMode=PARALLEL}. */
    private static final Map<String, String> EXTRA_OPTIONS = Arrays.stream(
                    System.getProperty("bench.engineOptions", "").split(","))
            .filter(option -> option.contains("="))
            .collect(Collectors.toMap(option -> option.substring(0, option.indexOf('=')),
                    option -> option.substring(option.indexOf('=') + 1)));

    /** The engines to time by DJL name, e.g. {@code -Dbench.engines=OnnxRuntime} (default: every one). */
    private static final List<String> ENGINES = Arrays.stream(System.getProperty("bench.engines", "").split(","))
            .filter(name -> !name.isBlank()).toList();

    /** The precision to time, {@code -Dbench.precision=int8} or {@code bf16} (default fp32): engines without its model are skipped. */
    private static final Precision PRECISION = Precision.parse(System.getProperty("bench.precision", "fp32"));

    private ForwardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path modelsDir = Path.of(args[0]);
        Image image = ImageFactory.getInstance().fromImage(intRgb(ImageIO.read(Path.of(args[1]).toFile())));
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
                if (directory.metadata().modelFile(engine, PRECISION).isEmpty()
                        || !ENGINES.isEmpty() && !ENGINES.contains(engine.djlName())) {
                    continue;
                }
                Map<String, String> engineOptions = new TreeMap<>(EXTRA_OPTIONS);
                if (engine == InferenceEngine.ONNX_RUNTIME) {
                    engineOptions.put("intraOpNumThreads", threads);
                    engineOptions.put("interOpNumThreads", "1");
                }
                long loadStart = System.nanoTime();
                try (Detector detector = Detector.load(directory, new LoadOptions(engine, Device.cpu(), 0, engineOptions, PRECISION))) {
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
                    System.out.printf(Locale.ROOT, "{\"kind\": \"forward\", \"model\": \"%s\", \"engine\": \"%s\", \"precision\": \"%s\", \"loadMs\": %.1f, \"firstMs\": %.1f,"
                            + " \"medianMs\": %.1f, \"p90Ms\": %.1f, \"passes\": %d, \"detections\": %d}%n",
                            directory.metadata().name(), engine.djlName(), PRECISION.label(), loadMs, firstMs, percentile(ms, 0.5),
                            percentile(ms, 0.9), passes, detections);
                }
            }
        }
    }

    /**
     * The pixels as the service hands them to the translator (packed {@code TYPE_INT_RGB}), so that
     * this forward is the service's forward: DJL's own image loading keeps the file's layout, whose
     * conversion to a tensor costs milliseconds more.
     */
    private static BufferedImage intRgb(BufferedImage read) {
        BufferedImage rgb = new BufferedImage(read.getWidth(), read.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = rgb.createGraphics();
        graphics.drawImage(read, 0, 0, null);
        graphics.dispose();
        return rgb;
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
