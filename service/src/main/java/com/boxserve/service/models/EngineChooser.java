package com.boxserve.service.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import com.boxserve.service.NativeAllocatorCheck;
import com.boxserve.service.Sha256;
import com.boxserve.zoo.Detector;
import com.boxserve.zoo.EngineTrial;
import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.LoadOptions;
import com.boxserve.zoo.ModelDirectory;
import com.boxserve.zoo.ParityReport;
import com.boxserve.zoo.precision.Precision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * {@code engine: auto}: on a model's first load on a machine, both engines are timed on its
 * reference image (each warmed up, then {@link #PASSES} forwards each, in alternation; the medians
 * count: {@link EngineTrial}) and the faster serves, unless their answers differ beyond the parity
 * rules, in which case PyTorch does. The choice is kept in a small JSON file, keyed by what decides
 * the figures (the CPU model, its cores, both engines' versions, the device, the engine options and
 * the digests of both model files) in the {@link EngineChoiceStore}, so a restart reuses it;
 * anything else changing measures again.
 */
@Component
class EngineChooser {

    static final int PASSES = 3;
    private static final Logger log = LoggerFactory.getLogger(EngineChooser.class);

    private final ModelsProperties properties;
    private final EngineChoiceStore store;

    EngineChooser(ModelsProperties properties, EngineChoiceStore store) {
        this.properties = properties;
        this.store = store;
    }

    /** The model loaded on the engine it serves on, and how that engine was chosen. */
    record Chosen(Detector detector, EngineChoice choice) {
    }

    Chosen choose(ModelDirectory directory, Device device, int batchSize) throws TranslateException, IOException {
        String name = directory.metadata().name();
        if (batchSize > 1) {
            return pytorch(directory, device, "dynamic batching (batchSize " + batchSize + ") runs on PyTorch only");
        }
        if (device.isGpu()) {
            return pytorch(directory, device, "ONNX Runtime runs on the CPU only in this build; the model is on " + device);
        }
        if (directory.metadata().modelFile(InferenceEngine.ONNX_RUNTIME).isEmpty()) {
            return pytorch(directory, device, "the export has no ONNX file");
        }
        String key = key(directory, device);
        EngineChoice known = store.find(key).orElse(null);
        if (known != null) {
            log.info("{}: engine {} chosen on this machine before ({})", name, known.engine(), known.reason());
            return new Chosen(Detector.load(directory, options(known.toEngine(), device)), known.reused());
        }
        Image image = EngineTrial.referenceImage(directory).orElseGet(Detector::warmUpImage);
        long started = System.nanoTime();
        Detector onPyTorch = EngineTrial.warm(directory, options(InferenceEngine.PYTORCH, device), image);
        Detector onOnnxRuntime;
        try {
            onOnnxRuntime = EngineTrial.warm(directory, options(InferenceEngine.ONNX_RUNTIME, device), image);
        } catch (CancellationException stopping) {
            onPyTorch.close();
            throw stopping;
        } catch (TranslateException | RuntimeException e) {
            log.warn("{}: ONNX Runtime could not run the model, serving on PyTorch: {}", name, e.toString());
            return new Chosen(onPyTorch, choice(InferenceEngine.PYTORCH, "ONNX Runtime could not run it: "
                    + e.getMessage(), null, null));
        }
        List<EngineTrial> trials;
        try {
            trials = EngineTrial.alternate(List.of(onPyTorch, onOnnxRuntime), image, PASSES);
        } catch (TranslateException | RuntimeException e) {
            onPyTorch.close();
            onOnnxRuntime.close();
            throw e;
        }
        EngineTrial pytorch = trials.get(0);
        EngineTrial onnx = trials.get(1);
        EngineChoice choice = decide(pytorch.medianMillis(), onnx.medianMillis(), pytorch.compareWith(onnx));
        boolean pytorchServes = choice.toEngine() == InferenceEngine.PYTORCH;
        (pytorchServes ? onnx : pytorch).detector().close();
        NativeMemory.trim();
        log.info("{}: engine {} in {} ms of measuring: {}", name, choice.engine(),
                (System.nanoTime() - started) / 1_000_000, choice.reason());
        store.remember(key, choice);
        return new Chosen((pytorchServes ? pytorch : onnx).detector(), choice);
    }

    /** The faster engine, or PyTorch, torchvision's own, where their answers differ beyond the parity rules. */
    static EngineChoice decide(double pytorchMillis, double onnxMillis, ParityReport agreement) {
        if (!agreement.withinParityRules()) {
            return choice(InferenceEngine.PYTORCH, "the engines' answers on the reference image differ beyond the parity"
                    + " rules (" + agreement + "): PyTorch, torchvision's own", pytorchMillis, onnxMillis);
        }
        boolean onnxFaster = onnxMillis < pytorchMillis;
        InferenceEngine faster = onnxFaster ? InferenceEngine.ONNX_RUNTIME : InferenceEngine.PYTORCH;
        InferenceEngine slower = onnxFaster ? InferenceEngine.PYTORCH : InferenceEngine.ONNX_RUNTIME;
        return choice(faster, String.format(Locale.ROOT, "the faster on this machine: %s %.1f ms, %s %.1f ms per forward"
                + " (median of %d, reference image), answers within the parity rules", faster.djlName(),
                Math.min(onnxMillis, pytorchMillis), slower.djlName(), Math.max(onnxMillis, pytorchMillis), PASSES),
                pytorchMillis, onnxMillis);
    }

    private Chosen pytorch(ModelDirectory directory, Device device, String reason) {
        return new Chosen(Detector.load(directory, options(InferenceEngine.PYTORCH, device)),
                choice(InferenceEngine.PYTORCH, reason, null, null));
    }

    private static EngineChoice choice(InferenceEngine engine, String reason, Double pytorchMillis, Double onnxMillis) {
        return new EngineChoice(engine.djlName(), reason, pytorchMillis, onnxMillis,
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), false);
    }

    private LoadOptions options(InferenceEngine engine, Device device) {
        return new LoadOptions(engine, device, properties.maxInputSide(), properties.engineOptions(), Precision.FP32);
    }

    /** What decides the figures, digested: a different CPU, engine, option or model file measures again. */
    private String key(ModelDirectory directory, Device device) throws IOException {
        StringBuilder what = new StringBuilder();
        what.append(cpuModel()).append('|').append(Runtime.getRuntime().availableProcessors()).append('|')
                .append(Engine.getEngine(InferenceEngine.PYTORCH.djlName()).getVersion()).append('|')
                .append(Engine.getEngine(InferenceEngine.ONNX_RUNTIME.djlName()).getVersion()).append('|')
                .append(device).append('|').append(properties.maxInputSide()).append('|')
                .append(new TreeMap<>(properties.engineOptions())).append('|')
                .append(System.getProperty("ai.djl.pytorch.num_threads", "")).append('|')
                // glibc's malloc against tcmalloc moved a libtorch forward 2.7x (NativeAllocatorCheck)
                .append(NativeAllocatorCheck.loadedTcmalloc().orElse("malloc")).append('|');
        for (InferenceEngine engine : InferenceEngine.values()) {
            what.append(HexFormat.of().formatHex(Sha256.of(directory.modelFile(engine)))).append('|');
        }
        return directory.metadata().name() + "-" + HexFormat.of().formatHex(Sha256.of(what.toString())).substring(0, 16);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }
}
