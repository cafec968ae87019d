package com.boxserve.zoo.bench;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The calibration step of {@code model-zoo/exporter/quantize_onnx.py}: runs its marked model (every
 * tensor to quantize an extra output) on the calibration images with ONNX Runtime, and writes each
 * tensor's minimum and maximum over them as JSON, what the {@code quantize} step reads.
 *
 * <p>Arguments: marked model, output JSON, images.
 */
public final class OnnxCalibration {

    private OnnxCalibration() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, float[]> ranges = new LinkedHashMap<>();
        try (OrtSession session = session(Path.of(args[0]))) {
            for (int i = 2; i < args.length; i++) {
                try (OnnxTensor image = tensor(Path.of(args[i]));
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
        Files.writeString(Path.of(args[1]), ranges.entrySet().stream()
                .map(range -> String.format(Locale.ROOT, "\"%s\": [%s, %s]", range.getKey(), range.getValue()[0],
                        range.getValue()[1]))
                .collect(Collectors.joining(",\n ", "{", "}\n")));
    }

    /** An ONNX Runtime session on two threads, as the service's forward timer runs it. */
    static OrtSession session(Path model) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(2);
        options.setInterOpNumThreads(1);
        return OrtEnvironment.getEnvironment().createSession(model.toString(), options);
    }

    /** An image as the detectors take it: the translator's own float {@code [3, H, W]} in 0..1. */
    static OnnxTensor tensor(Path file) throws IOException, OrtException {
        BufferedImage image = ImageIO.read(file.toFile());
        // a BufferedImage is converted without a manager
        float[] chw = DetectionTranslator.toChw(ImageFactory.getInstance().fromImage(image), null);
        return OnnxTensor.createTensor(OrtEnvironment.getEnvironment(), FloatBuffer.wrap(chw),
                new long[] {3, image.getHeight(), image.getWidth()});
    }
}
