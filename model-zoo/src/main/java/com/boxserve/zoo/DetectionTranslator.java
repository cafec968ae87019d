package com.boxserve.zoo;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * From an image to detections for every exported detector, whatever its family or engine.
 *
 * <p>The exported graph does its own resizing, normalisation, NMS and rescaling to the pixels
 * it was given, so the translator only turns RGB pixels into a float32 {@code [3, H, W]} tensor
 * in 0..1 and reads back three named arrays. Pixel conversion is plain Java: ONNX Runtime's
 * arrays cannot do arithmetic, and plain Java gives the same float32 values as torchvision's
 * {@code to_tensor} (one correctly rounded division by 255).
 *
 * <p>Images whose long side exceeds {@code maxInputSide} (0: never) are shrunk before inference
 * and their boxes scaled back: that bounds memory for huge photos but departs from what
 * torchvision returns for them, so it is off unless asked for. Images too thin for the model's
 * transform are refused with {@link ImageShapeException} ({@link InputSizeRule}).
 */
public class DetectionTranslator implements NoBatchifyTranslator<DetectionInput, DetectionResult> {

    private static final String FRAME = "frame";

    private final DetectorMetadata metadata;
    private final InputSizeRule sizes;

    public DetectionTranslator(DetectorMetadata metadata, int maxInputSide) {
        this.metadata = metadata;
        this.sizes = new InputSizeRule(metadata.architecture(), maxInputSide);
    }

    /** The original image's size, the size fed to the model, and the options, carried to processOutput. */
    record Frame(int width, int height, int inputWidth, int inputHeight, DetectionOptions options) {
    }

    @Override
    public NDList processInput(TranslatorContext ctx, DetectionInput input) {
        Prepared prepared = prepare(input, ctx.getNDManager());
        ctx.setAttachment(FRAME, prepared.frame());
        return new NDList(prepared.tensor());
    }

    /** An image as the model takes it, and what post-processing needs to know of it. */
    record Prepared(NDArray tensor, Frame frame) {
    }

    /**
     * Checks the options and the shape (unless the caller did, for this model), shrinks the image if
     * asked, and makes its {@code [3, H, W]} tensor in {@code manager}.
     */
    Prepared prepare(DetectionInput input, NDManager manager) {
        DetectionOptions options = input.options();
        Image image = input.image();
        int width = image.getWidth();
        int height = image.getHeight();
        if (!metadata.equals(input.checkedFor())) {
            options.validateFor(metadata);
            sizes.check(width, height);
        }
        InputSizeRule.Size size = sizes.fed(width, height);
        Image fed = size.width() == width && size.height() == height ? image : image.resize(size.width(), size.height(), true);
        float[] chw = toChw(fed, manager);
        NDArray tensor = manager.create(FloatBuffer.wrap(chw), new Shape(3, fed.getHeight(), fed.getWidth()),
                DataType.FLOAT32);
        tensor.setName("image");
        return new Prepared(tensor, new Frame(width, height, fed.getWidth(), fed.getHeight(), options));
    }

    @Override
    public DetectionResult processOutput(TranslatorContext ctx, NDList list) {
        Frame frame = (Frame) ctx.getAttachment(FRAME);
        float[] boxes = output(list, "boxes", 0).toFloatArray();
        float[] scores = output(list, "scores", 1).toFloatArray();
        long[] labels = output(list, "labels", 2).toType(DataType.INT64, false).toLongArray();
        return toResult(frame, boxes, scores, labels);
    }

    /** Turns the model's three arrays into detections: filters, cap, label names, original-image pixels. */
    DetectionResult toResult(Frame frame, float[] boxes, float[] scores, long[] labels) {
        if (boxes.length != scores.length * 4 || labels.length != scores.length) {
            throw new IllegalStateException("model returned " + boxes.length + " box values, " + scores.length
                    + " scores and " + labels.length + " labels");
        }
        DetectionOptions options = frame.options();
        float threshold = options.thresholdFor(metadata);
        double sx = (double) frame.width() / frame.inputWidth();
        double sy = (double) frame.height() / frame.inputHeight();
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            int categoryId = (int) labels[i];
            if (scores[i] < threshold
                    || (!options.categoryIds().isEmpty() && !options.categoryIds().contains(categoryId))) {
                continue;
            }
            Box box = new Box(
                    clamp(boxes[4 * i] * sx, frame.width()), clamp(boxes[4 * i + 1] * sy, frame.height()),
                    clamp(boxes[4 * i + 2] * sx, frame.width()), clamp(boxes[4 * i + 3] * sy, frame.height()));
            detections.add(new Detection(CocoCategories.name(categoryId), categoryId, scores[i], box));
        }
        // the models already return best first; a stable sort keeps their order among equal scores
        detections.sort(Comparator.comparing(Detection::score).reversed());
        int cap = options.capFor(metadata);
        return new DetectionResult(frame.width(), frame.height(),
                detections.size() > cap ? detections.subList(0, cap) : detections);
    }

    private static double clamp(double value, int limit) {
        return Math.min(Math.max(value, 0), limit);
    }

    /** Arrays are found by name where the engine keeps names (ONNX Runtime), else by position. */
    private static NDArray output(NDList list, String name, int position) {
        NDArray named = list.get(name);
        return named != null ? named : list.get(position);
    }

    /**
     * The pixel array of a plain {@code TYPE_INT_RGB} image (what the service's decoder makes),
     * read directly: {@code getRGB} costs milliseconds per image going through the colour model.
     */
    private static int[] packedRgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getParent() == null
                && image.getRaster().getDataBuffer() instanceof DataBufferInt ints && ints.getNumBanks() == 1
                && ints.getOffset() == 0 && ints.getSize() == image.getWidth() * image.getHeight()) {
            return ints.getData();
        }
        return null;
    }

    /** RGB pixels as float32 planes in 0..1, exactly as torchvision's {@code to_tensor}. */
    public static float[] toChw(Image image, NDManager manager) {
        int width = image.getWidth();
        int height = image.getHeight();
        int plane = width * height;
        float[] chw = new float[3 * plane];
        if (image.getWrappedImage() instanceof BufferedImage buffered) {
            int[] packed = packedRgb(buffered);
            int[] row = packed == null ? new int[width] : null;
            for (int y = 0; y < height; y++) {
                if (packed == null) {
                    buffered.getRGB(0, y, width, 1, row, 0, width);
                }
                for (int x = 0; x < width; x++) {
                    int i = y * width + x;
                    int rgb = packed != null ? packed[i] : row[x];
                    chw[i] = ((rgb >> 16) & 0xff) / 255f;
                    chw[plane + i] = ((rgb >> 8) & 0xff) / 255f;
                    chw[2 * plane + i] = (rgb & 0xff) / 255f;
                }
            }
        } else {
            try (NDArray hwc = image.toNDArray(manager, Image.Flag.COLOR)) {
                byte[] bytes = hwc.toByteArray();
                for (int i = 0; i < plane; i++) {
                    for (int c = 0; c < 3; c++) {
                        chw[c * plane + i] = (bytes[3 * i + c] & 0xff) / 255f;
                    }
                }
            }
        }
        return chw;
    }
}
