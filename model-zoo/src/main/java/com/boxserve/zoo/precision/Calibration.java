package com.boxserve.zoo.precision;

import ai.djl.engine.Engine;
import ai.djl.modality.cv.ImageFactory;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.boxserve.zoo.DetectionTranslator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The calibration step of {@code model-zoo/exporter/quantize_onnx.py}: runs its marked model (every
 * tensor to quantize an extra output) on the calibration images with ONNX Runtime, and keeps each
 * tensor's minimum and maximum over them, what its {@code quantize} step reads. In Java because
 * Debian has no Python package of ONNX Runtime.
 */
final class Calibration {

    private Calibration() {
    }

    /** Each float output's {@code [min, max]} over the images. */
    static Map<String, float[]> ranges(Path markedModel, List<Path> images) throws IOException, OrtException {
        Map<String, float[]> ranges = new LinkedHashMap<>();
        try (OrtSession session = session(markedModel)) {
            for (Path file : images) {
                try (OnnxTensor image = tensor(file);
                        OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), image))) {
                    for (Map.Entry<String, OnnxValue> output : result) {
                        if (!(output.getValue() instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT) {
                            continue;
                        }
                        FloatBuffer values = tensor.getFloatBuffer();
                        float[] range = ranges.computeIfAbsent(output.getKey(),
                                name -> new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY});
                        while (values.hasRemaining()) {
                            float value = values.get();
                            range[0] = Math.min(range[0], value);
                            range[1] = Math.max(range[1], value);
                        }
                    }
                }
            }
        }
        return ranges;
    }

    /** An ONNX Runtime session with the threads the service gives a model: all cores in one forward. */
    static OrtSession session(Path model) throws OrtException {
        // DJL's engine creates the process's one OrtEnvironment with options of its own, and fails
        // where one exists already: it goes first, so that the detectors load after this ran
        Engine.getEngine("OnnxRuntime");
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
        options.setInterOpNumThreads(1);
        return OrtEnvironment.getEnvironment().createSession(model.toString(), options);
    }

    /** An image as the detectors take it: the translator's own float {@code [3, H, W]} in 0..1. */
    static OnnxTensor tensor(Path file) throws IOException, OrtException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + " is not an image Java can read");
        }
        // a BufferedImage is converted without a manager
        float[] chw = DetectionTranslator.toChw(ImageFactory.getInstance().fromImage(image), null);
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(chw),
                new long[] {3, image.getHeight(), image.getWidth()});
    }
}
