package com.boxserve.zoo.bench;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far a reduced-precision export's answers are from the fp32 export's on the same images, as
 * issue 28 asks: the share of fp32 detections matched at IoU &ge; 0.9 with the same label, the
 * largest and the median score difference of those matched, the detections lost and gained; and,
 * for the feature maps both models expose ({@code quantize_onnx.py expose}; the int8 model's carry
 * a {@code _dq} suffix), the lowest cosine similarity and the largest relative error over the images.
 *
 * <p>Arguments: fp32 model, reduced-precision model, images. Prints one JSON line.
 */
public final class PrecisionAgreement {

    private static final double MATCH_IOU = 0.9;

    private PrecisionAgreement() {
    }

    public static void main(String[] args) throws Exception {
        int fp32Detections = 0;
        int matched = 0;
        int reducedDetections = 0;
        List<Double> scoreDifferences = new ArrayList<>();
        Map<String, double[]> features = new TreeMap<>(); // name -> lowest cosine, largest relative error
        try (OrtSession fp32 = OnnxCalibration.session(Path.of(args[0]));
                OrtSession reduced = OnnxCalibration.session(Path.of(args[1]))) {
            for (int i = 2; i < args.length; i++) {
                Map<String, float[]> a = new HashMap<>();
                Map<String, float[]> b = new HashMap<>();
                Answer one = run(fp32, Path.of(args[i]), a);
                Answer other = run(reduced, Path.of(args[i]), b);
                fp32Detections += one.scores.length;
                reducedDetections += other.scores.length;
                for (int d = 0; d < one.scores.length; d++) {
                    int best = -1;
                    double bestIou = MATCH_IOU;
                    for (int e = 0; e < other.scores.length; e++) {
                        double iou = iou(one.boxes, d, other.boxes, e);
                        if (one.labels[d] == other.labels[e] && iou >= bestIou) {
                            best = e;
                            bestIou = iou;
                        }
                    }
                    if (best >= 0) {
                        matched++;
                        scoreDifferences.add((double) Math.abs(one.scores[d] - other.scores[best]));
                    }
                }
                for (Map.Entry<String, float[]> feature : a.entrySet()) {
                    float[] y = b.get(feature.getKey());
                    if (y != null && y.length == feature.getValue().length) {
                        double[] worst = features.computeIfAbsent(feature.getKey(), name -> new double[] {1, 0});
                        double[] measured = compare(feature.getValue(), y);
                        worst[0] = Math.min(worst[0], measured[0]);
                        worst[1] = Math.max(worst[1], measured[1]);
                    }
                }
            }
        }
        double[] differences = scoreDifferences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "{\"kind\": \"precision-agreement\", "
                + "\"images\": %d, \"fp32Detections\": %d, \"matchedShare\": %.4f, \"lost\": %d, \"gained\": %d, "
                + "\"maxScoreDifference\": %s, \"medianScoreDifference\": %s, \"features\": {",
                args.length - 2, fp32Detections, fp32Detections == 0 ? 1.0 : (double) matched / fp32Detections,
                fp32Detections - matched, reducedDetections - matched,
                differences.length == 0 ? "null" : String.format(Locale.ROOT, "%.4f", differences[differences.length - 1]),
                differences.length == 0 ? "null" : String.format(Locale.ROOT, "%.4f",
                        ForwardBenchmark.percentile(differences, 0.5))));
        String separator = "";
        for (Map.Entry<String, double[]> feature : features.entrySet()) {
            line.append(separator).append(String.format(Locale.ROOT, "\"%s\": {\"minCosine\": %.4f, \"maxRelativeError\": %.4f}",
                    feature.getKey(), feature.getValue()[0], feature.getValue()[1]));
            separator = ", ";
        }
        System.out.println(line.append("}}"));
    }

    private record Answer(float[] boxes, float[] scores, long[] labels) {
    }

    /** The detections (the first three outputs), and every further float output into {@code features}. */
    private static Answer run(OrtSession session, Path image, Map<String, float[]> features) throws Exception {
        try (OnnxTensor input = OnnxCalibration.tensor(image);
                OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            int index = 0;
            for (Map.Entry<String, OnnxValue> output : result) {
                if (index++ >= 3 && output.getValue() instanceof OnnxTensor tensor
                        && tensor.getInfo().type == OnnxJavaType.FLOAT) {
                    features.put(output.getKey().replaceFirst("_dq$", ""), floats(tensor));
                }
            }
            return new Answer(floats((OnnxTensor) result.get(0)), floats((OnnxTensor) result.get(1)),
                    ((OnnxTensor) result.get(2)).getLongBuffer().array());
        }
    }

    private static float[] floats(OnnxTensor tensor) {
        // a copy on the heap, whatever the tensor's own memory
        return tensor.getFloatBuffer().array();
    }

    private static double iou(float[] a, int i, float[] b, int j) {
        double width = Math.min(a[4 * i + 2], b[4 * j + 2]) - Math.max(a[4 * i], b[4 * j]);
        double height = Math.min(a[4 * i + 3], b[4 * j + 3]) - Math.max(a[4 * i + 1], b[4 * j + 1]);
        if (width <= 0 || height <= 0) {
            return 0;
        }
        double overlap = width * height;
        double areaA = (a[4 * i + 2] - a[4 * i]) * (a[4 * i + 3] - a[4 * i + 1]);
        double areaB = (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]);
        return overlap / (areaA + areaB - overlap);
    }

    /** Cosine similarity and relative (to x) L2 error of y against x. */
    private static double[] compare(float[] x, float[] y) {
        double dot = 0;
        double xx = 0;
        double yy = 0;
        double error = 0;
        for (int k = 0; k < x.length; k++) {
            dot += (double) x[k] * y[k];
            xx += (double) x[k] * x[k];
            yy += (double) y[k] * y[k];
            error += ((double) x[k] - y[k]) * ((double) x[k] - y[k]);
        }
        return new double[] {xx == 0 || yy == 0 ? (xx == yy ? 1 : 0) : dot / Math.sqrt(xx * yy), xx == 0 ? 0 : Math.sqrt(error / xx)};
    }
}
