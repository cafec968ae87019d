package com.boxserve.service.bench;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.boxserve.service.detection.DecodedImage;
import com.boxserve.service.detection.ImageDecoder;
import com.boxserve.service.detection.ImageProperties;
import com.boxserve.zoo.DetectionTranslator;
import static com.boxserve.zoo.bench.ForwardBenchmark.percentile;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.springframework.util.unit.DataSize;

/**
 * Times what the service does to an upload before inference, per image file: decoding (the
 * service's {@link ImageDecoder}: header check, decode, RGB, EXIF orientation) and conversion
 * to the model's float32 {@code [3, H, W]} tensor (the translator's). One JSON object per line
 * for {@code benchmarks/report.py}; {@code bin/benchmark} runs it.
 *
 * <p>Arguments: warm-up passes, timed passes, image files.
 */
public final class DecodeBenchmark {

    private DecodeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int passes = Integer.parseInt(args[1]);
        ImageDecoder decoder = new ImageDecoder(new ImageProperties(DataSize.ofMegabytes(20), 40_000_000, 16));
        for (String file : Arrays.asList(args).subList(2, args.length)) {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            double[] decodeMs = new double[passes];
            double[] convertMs = new double[passes];
            DecodedImage decoded = null;
            for (int i = -warmup; i < passes; i++) {
                long started = System.nanoTime();
                decoded = decoder.decode(bytes);
                long converting = System.nanoTime();
                convert(ImageFactory.getInstance().fromImage(decoded.pixels()));
                long done = System.nanoTime();
                if (i >= 0) {
                    decodeMs[i] = (converting - started) / 1e6;
                    convertMs[i] = (done - converting) / 1e6;
                }
            }
            Arrays.sort(decodeMs);
            Arrays.sort(convertMs);
            System.out.printf(Locale.ROOT, "{\"kind\": \"decode\", \"image\": \"%s\", \"format\": \"%s\", \"bytes\": %d,"
                    + " \"width\": %d, \"height\": %d, \"passes\": %d, \"decodeMedianMs\": %.2f, \"decodeP90Ms\": %.2f,"
                    + " \"convertMedianMs\": %.2f, \"convertP90Ms\": %.2f}%n",
                    Path.of(file).getFileName(), decoded.format(), bytes.length, decoded.width(), decoded.height(), passes,
                    percentile(decodeMs, 0.5), percentile(decodeMs, 0.9), percentile(convertMs, 0.5),
                    percentile(convertMs, 0.9));
        }
    }

    private static void convert(Image image) {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] chw = DetectionTranslator.toChw(image, manager);
            manager.create(FloatBuffer.wrap(chw), new Shape(3, image.getHeight(), image.getWidth()), DataType.FLOAT32);
        }
    }
}
