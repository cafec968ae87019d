package com.boxserve.zoo;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import com.boxserve.zoo.precision.CpuFeatures;
import com.boxserve.zoo.precision.Precision;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exported detector loaded on one engine and device: {@code Criteria} → {@code ZooModel} →
 * {@code Predictor}s.
 *
 * <p>{@link #detect} is safe from many threads: DJL Predictors are not, so each call borrows an
 * idle one (or makes one) and hands it back. Callers that run their own workers take a
 * Predictor each with {@link #newPredictor()}.
 */
public final class Detector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Detector.class);

    /** The exported TorchScript method that runs several images in one forward. */
    static final String BATCH_METHOD = "detect_batch";

    private final ZooModel<DetectionInput, DetectionResult> model;
    private final DetectionTranslator translator;
    private final DetectorMetadata metadata;
    private final LoadOptions options;
    private final Deque<Predictor<DetectionInput, DetectionResult>> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private Detector(ZooModel<DetectionInput, DetectionResult> model, DetectionTranslator translator,
            DetectorMetadata metadata, LoadOptions options) {
        this.model = model;
        this.translator = translator;
        this.metadata = metadata;
        this.options = options;
    }

    /** Loads a model directory; a missing, truncated or foreign file fails with a {@link ModelDirectoryException}. */
    public static Detector load(ModelDirectory directory, LoadOptions options) {
        DetectorMetadata metadata = directory.metadata();
        InferenceEngine engine = options.engine();
        Precision precision = options.precision();
        List<String> refused = precision.refusals(engine, options.device(), CpuFeatures.current());
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", refused));
        }
        Path file = directory.modelFile(engine, precision);
        String fileName = file.getFileName().toString();
        DetectionTranslator translator = new DetectionTranslator(metadata, options.maxInputSide());
        Criteria.Builder<DetectionInput, DetectionResult> criteria = Criteria.builder()
                .setTypes(DetectionInput.class, DetectionResult.class)
                .optModelPath(directory.path())
                .optModelName(fileName.substring(0, fileName.length() - engine.fileSuffix().length()))
                .optEngine(engine.djlName())
                .optDevice(options.device())
                .optTranslator(translator);
        if (engine == InferenceEngine.PYTORCH) {
            criteria.optOption("mapLocation", "true");
        }
        if (engine == InferenceEngine.ONNX_RUNTIME) {
            // DJL passes ONNX Runtime's intra-op thread count only when an inter-op one is given too;
            // left to ONNX Runtime's own defaults, the service's forwards took 73 ms where these
            // (the forward timer's, and libtorch's here) take 53 ms. Engine options still override them.
            criteria.optOption("intraOpNumThreads", Integer.toString(Runtime.getRuntime().availableProcessors()));
            criteria.optOption("interOpNumThreads", "1");
        }
        options.engineOptions().forEach(criteria::optOption);
        if (metadata.weights().isRandom()) {
            log.warn("{}: serving {}", metadata.name(), metadata.weights().describe());
        }
        metadata.warning(precision).ifPresent(warning -> log.warn("{}: serving {}", metadata.name(), warning));
        try {
            return new Detector(criteria.build().loadModel(), translator, metadata, options);
        } catch (ModelNotFoundException | MalformedModelException | IOException | EngineException e) {
            throw new ModelDirectoryException(file, "cannot be loaded by " + engine.djlName() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // engines report unreadable files with their own runtime exceptions (OrtException wrappers and the like)
            throw new ModelDirectoryException(file, "cannot be loaded by " + engine.djlName() + ": " + e, e);
        }
    }

    /** Detects objects in one image. Options are checked first: an {@link IllegalArgumentException} says what is wrong. */
    public DetectionResult detect(Image image, DetectionOptions detectionOptions) throws TranslateException {
        detectionOptions.validateFor(metadata);
        Predictor<DetectionInput, DetectionResult> predictor = idle.poll();
        if (predictor == null) {
            predictor = newPredictor();
        }
        try {
            return predictor.predict(new DetectionInput(image, detectionOptions));
        } finally {
            idle.push(predictor);
            if (closed) {
                closeIdle();
            }
        }
    }

    /**
     * Detects objects in several images with one forward of the model (PyTorch engine only).
     *
     * <p>torchvision pads a batch to its largest image, which changes what the network sees
     * around a smaller image's borders: each result equals {@link #detect} on its image alone
     * (to float rounding) only when the batch's images share a size, so callers batch those.
     * Not thread-safe with itself: each worker calls it from its own thread.
     */
    public List<DetectionResult> detectBatch(List<DetectionInput> inputs) {
        if (options.engine() != InferenceEngine.PYTORCH) {
            throw new UnsupportedOperationException("batches need the PyTorch engine's " + BATCH_METHOD);
        }
        PtSymbolBlock block = (PtSymbolBlock) model.getBlock();
        try (PtNDManager manager = (PtNDManager) model.getNDManager().newSubManager()) {
            List<DetectionTranslator.Frame> frames = new ArrayList<>();
            PtNDArray[] tensors = new PtNDArray[inputs.size()];
            for (int i = 0; i < inputs.size(); i++) {
                DetectionTranslator.Prepared prepared = translator.prepare(inputs.get(i), manager);
                tensors[i] = (PtNDArray) prepared.tensor();
                frames.add(prepared.frame());
            }
            List<DetectionResult> results = new ArrayList<>();
            try (IValue images = IValue.listFrom(tensors);
                    IValue output = IValueUtils.runMethod(block, BATCH_METHOD, images)) {
                IValue[] perImage = output.toIValueArray();
                for (int i = 0; i < perImage.length; i++) {
                    IValue[] tuple = perImage[i].toIValueTuple();
                    results.add(translator.toResult(frames.get(i), tuple[0].toTensor(manager).toFloatArray(),
                            tuple[1].toTensor(manager).toFloatArray(), tuple[2].toTensor(manager).toLongArray()));
                    for (IValue value : tuple) {
                        value.close();
                    }
                    perImage[i].close();
                }
            }
            return results;
        }
    }

    /**
     * Whether two inputs may share one {@link #detectBatch} forward: only images of one size do,
     * since torchvision pads a batch to its largest image.
     */
    public static boolean canShareBatch(DetectionInput a, DetectionInput b) {
        return a.image().getWidth() == b.image().getWidth() && a.image().getHeight() == b.image().getHeight();
    }

    /**
     * Runs {@code passes} forwards on a synthetic photo-like image, so that the first request does
     * not pay for the engine's first-run work (allocations, kernel choices, graph optimisation).
     */
    public void warmUp(int passes) throws TranslateException {
        warmUp(warmUpImage(), passes);
    }

    /** Runs {@code passes} forwards on this image, stopping between two of them once the thread is interrupted. */
    public void warmUp(Image image, int passes) throws TranslateException {
        for (int i = 0; i < passes; i++) {
            stopIfInterrupted();
            detect(image, DetectionOptions.defaults());
        }
    }

    /**
     * Ends a run of forwards (warm-up, timing) between two of them once the thread is interrupted:
     * a forward cannot be stopped, and one left running while the JVM exits crashes in libtorch's
     * native teardown, so a caller that is stopping must be able to wait for the one in flight.
     */
    static void stopIfInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted between forwards: the caller is stopping");
        }
    }

    /** A gradient with blocks: warm-up must walk the detector's real code paths, boxes and all. */
    public static Image warmUpImage() {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                int block = ((x / 80) + (y / 60)) % 2 == 0 ? 60 : 0;
                image.setRGB(x, y, ((x * 255 / 640) << 16) | ((y * 255 / 480) << 8) | (120 + block));
            }
        }
        return ImageFactory.getInstance().fromImage(image);
    }

    /** A Predictor of one's own, for a caller that keeps one per worker thread; the caller closes it. */
    public Predictor<DetectionInput, DetectionResult> newPredictor() {
        if (closed) {
            throw new IllegalStateException(metadata.name() + " is closed");
        }
        return model.newPredictor();
    }

    public DetectorMetadata metadata() {
        return metadata;
    }

    /** fp32, or int8 or bf16 where it was loaded from the export's model at that precision. */
    public Precision precision() {
        return options.precision();
    }

    public InferenceEngine engine() {
        return options.engine();
    }

    public Device device() {
        return options.device();
    }

    @Override
    public void close() {
        closed = true;
        closeIdle();
        model.close();
    }

    private void closeIdle() {
        for (Predictor<DetectionInput, DetectionResult> p = idle.poll(); p != null; p = idle.poll()) {
            p.close();
        }
    }
}
