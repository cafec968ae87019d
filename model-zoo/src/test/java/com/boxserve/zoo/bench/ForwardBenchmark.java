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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * Times one detection (translator included) per model and engine, after warm-up, and prints
 * one JSON object per line. {@code bin/benchmark} runs it beside torchvision. A model's engines
 * are timed in turn, in blocks of passes, so that what drifts on the machine slows them alike.
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

    /**
     * Models timed in turn with those above, as {@code ENGINE:PRECISION}, e.g.
     * {@code -Dbench.beside=OnnxRuntime:fp32}: a speed-up set against a forward timed minutes
     * apart carries whatever drifted on the machine meanwhile (10-20 % within minutes on a VM). Their
     * rows carry {@code "beside"}: the precision they were timed beside.
     */
    private static final List<String> BESIDE = Arrays.stream(System.getProperty("bench.beside", "").split(","))
            .filter(name -> !name.isBlank()).toList();

    /** Blocks of passes per model when several are timed in turn; one where a model is timed alone. */
    private static final int ROUNDS_IN_TURN = 2;

    /** The least time each block of passes spends settling before it is timed. */
    private static final double SETTLE_MS = 1000;

    private ForwardBenchmark() {
    }

    /** One model to time, and whether it was timed beside the precision this run times. */
    private record Contender(InferenceEngine engine, Precision precision, boolean beside) {
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
            List<Contender> contenders = contenders(directory);
            if (contenders.stream().anyMatch(contender -> !contender.beside())) {
                timeInTurn(directory, contenders, image, warmup, passes, threads);
            }
        }
    }

    private static List<Contender> contenders(ModelDirectory directory) {
        List<Contender> contenders = new ArrayList<>();
        for (InferenceEngine engine : InferenceEngine.values()) {
            if (ENGINES.isEmpty() || ENGINES.contains(engine.djlName())) {
                contenders.add(new Contender(engine, PRECISION, false));
            }
        }
        for (String beside : BESIDE) {
            String[] parts = beside.split(":", 2);
            InferenceEngine engine = Arrays.stream(InferenceEngine.values()).filter(e -> e.djlName().equals(parts[0]))
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("no engine " + parts[0]));
            contenders.add(new Contender(engine, Precision.parse(parts[1]), true));
        }
        contenders.removeIf(contender -> directory.metadata().modelFile(contender.engine(), contender.precision()).isEmpty());
        return contenders;
    }

    /** Loads every contender, warms each up, then times them in turn, in blocks of passes. */
    private static void timeInTurn(ModelDirectory directory, List<Contender> contenders, Image image, int warmup,
                                   int passes, String threads) throws Exception {
        List<Detector> detectors = new ArrayList<>();
        try {
            double[] loadMs = new double[contenders.size()];
            for (int c = 0; c < contenders.size(); c++) {
                Contender contender = contenders.get(c);
                Map<String, String> engineOptions = new TreeMap<>(EXTRA_OPTIONS);
                if (contender.engine() == InferenceEngine.ONNX_RUNTIME) {
                    engineOptions.put("intraOpNumThreads", threads);
                    engineOptions.put("interOpNumThreads", "1");
                }
                long loadStart = System.nanoTime();
                detectors.add(Detector.load(directory,
                        new LoadOptions(contender.engine(), Device.cpu(), 0, engineOptions, contender.precision())));
                loadMs[c] = (System.nanoTime() - loadStart) / 1e6;
            }
            double[] firstMs = new double[contenders.size()];
            for (int c = 0; c < contenders.size(); c++) {
                firstMs[c] = time(detectors.get(c), image);
                for (int i = 1; i < warmup; i++) {
                    time(detectors.get(c), image);
                }
            }
            // In blocks, not pass by pass: an engine's idle threads spin for a while after its forward
            // (libtorch's OpenMP, ONNX Runtime's pool) and took a core from the other engine's next pass
            // (the 320 MobileNet on ONNX Runtime 86 ms alone, 103 ms alternated pass by pass). Where
            // several are timed, each block starts with a second of passes that are not counted.
            int rounds = contenders.size() > 1 ? Math.min(ROUNDS_IN_TURN, passes) : 1;
            double[][] ms = new double[contenders.size()][passes];
            int[] detections = new int[contenders.size()];
            for (int round = 0; round < rounds; round++) {
                // the passes shared out among the rounds: round r times passes [from, to)
                int from = round * passes / rounds;
                int to = (round + 1) * passes / rounds;
                for (int c = 0; c < contenders.size(); c++) {
                    if (rounds > 1) {
                        settle(detectors.get(c), image);
                    }
                    for (int i = from; i < to; i++) {
                        long start = System.nanoTime();
                        DetectionResult result = detectors.get(c).detect(image, DetectionOptions.defaults());
                        ms[c][i] = (System.nanoTime() - start) / 1e6;
                        detections[c] = result.detections().size();
                    }
                }
            }
            for (int c = 0; c < contenders.size(); c++) {
                Contender contender = contenders.get(c);
                Arrays.sort(ms[c]);
                System.out.printf(Locale.ROOT, "{\"kind\": \"forward\", \"model\": \"%s\", \"engine\": \"%s\", \"precision\": \"%s\",%s"
                        + " \"loadMs\": %.1f, \"firstMs\": %.1f, \"medianMs\": %.1f, \"p90Ms\": %.1f, \"passes\": %d, \"detections\": %d}%n",
                        directory.metadata().name(), contender.engine().djlName(), contender.precision().label(),
                        contender.beside() ? " \"beside\": \"" + PRECISION.label() + "\"," : "", loadMs[c], firstMs[c],
                        percentile(ms[c], 0.5), percentile(ms[c], 0.9), passes, detections[c]);
            }
        } finally {
            close(detectors);
        }
    }

    /**
     * Untimed passes for at least {@link #SETTLE_MS}: one pass did not outlast the other engine's
     * spinning threads where a forward is short (the 320 MobileNet on ONNX Runtime 72-82 ms after a
     * PyTorch block, 59 ms after an ONNX Runtime one, in the full run of 2026-12-07T04:54Z).
     */
    private static void settle(Detector detector, Image image) throws Exception {
        long start = System.nanoTime();
        do {
            time(detector, image);
        } while ((System.nanoTime() - start) / 1e6 < SETTLE_MS);
    }

    /** Closes every detector, even where one fails to; the first failure is thrown, the others suppressed in it. */
    private static void close(List<Detector> detectors) {
        RuntimeException failure = null;
        for (Detector detector : detectors) {
            try {
                detector.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
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
