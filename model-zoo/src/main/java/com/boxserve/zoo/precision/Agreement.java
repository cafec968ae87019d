package com.boxserve.zoo.precision;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.boxserve.zoo.Box;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How far a reduced-precision export's answers are from the fp32 export's on the same images: the
 * share of fp32 detections matched at IoU &ge; 0.9 with the same label, the largest and the median
 * score difference of those matched, the detections lost and gained; and, over the feature maps the
 * backbone hands the heads ({@code quantize_onnx.py expose}), the lowest cosine similarity and the
 * largest relative error. With random weights the detections say little (the backbone is chaotic:
 * 2^-9 of input noise moves its features by 8-15 %), so the features are the floor a test holds.
 *
 * @param images how many images were compared
 * @param fp32Detections fp32's detections on them
 * @param matchedShare the share of those the reduced model matched (1 where fp32 found none)
 * @param lost fp32 detections with no match
 * @param gained the reduced model's detections beyond the matched
 * @param maxScoreDifference over matched detections; null where none matched
 * @param medianScoreDifference over matched detections; null where none matched
 * @param minFeatureCosine the lowest cosine similarity of a feature map, over maps and images
 * @param maxFeatureRelativeError the largest L2 error of a feature map relative to fp32's
 */
public record Agreement(int images, int fp32Detections, double matchedShare, int lost, int gained,
        Double maxScoreDifference, Double medianScoreDifference, double minFeatureCosine, double maxFeatureRelativeError) {

    /** Generated scenes the agreement is measured on, beside the export's reference images ({@code generated_scenes.py --agreement}). */
    public static final int SCENES = 20;
    static final double MATCH_IOU = 0.9;

    /** One sentence for the warnings that go with every answer. */
    public String describe() {
        return String.format(Locale.ROOT, "on %d images, %.0f %% of fp32's %d detections matched at IoU >= 0.9 with the same"
                + " label (%d lost, %d gained%s); feature maps' cosine with fp32 >= %.3f, relative error <= %.3f",
                images, 100 * matchedShare, fp32Detections, lost, gained, maxScoreDifference == null ? ""
                        : String.format(Locale.ROOT, ", score differences median %.4f, largest %.4f", medianScoreDifference,
                                maxScoreDifference),
                minFeatureCosine, maxFeatureRelativeError);
    }

    /** Both models, each with its feature maps exposed as extra outputs, on the same images. */
    static Agreement measure(Path fp32Model, Path reducedModel, List<Path> images) throws IOException, OrtException {
        int fp32Detections = 0;
        int matched = 0;
        int reducedDetections = 0;
        double minCosine = 1;
        double maxError = 0;
        List<Double> scoreDifferences = new ArrayList<>();
        try (OrtSession fp32 = Calibration.session(fp32Model); OrtSession reduced = Calibration.session(reducedModel)) {
            for (Path image : images) {
                Map<String, float[]> a = new HashMap<>();
                Map<String, float[]> b = new HashMap<>();
                Answer one = run(fp32, image, a);
                Answer other = run(reduced, image, b);
                fp32Detections += one.scores.length;
                reducedDetections += other.scores.length;
                for (int d = 0; d < one.scores.length; d++) {
                    int best = -1;
                    double bestIou = MATCH_IOU;
                    for (int e = 0; e < other.scores.length; e++) {
                        double iou = box(one.boxes, d).iou(box(other.boxes, e));
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
                    if (y == null || y.length != feature.getValue().length) {
                        throw new IllegalStateException("the reduced model exposes no feature map like fp32's " + feature.getKey());
                    }
                    double[] measured = compare(feature.getValue(), y);
                    minCosine = Math.min(minCosine, measured[0]);
                    maxError = Math.max(maxError, measured[1]);
                }
            }
        }
        double[] differences = scoreDifferences.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Agreement(images.size(), fp32Detections, fp32Detections == 0 ? 1.0 : (double) matched / fp32Detections,
                fp32Detections - matched, reducedDetections - matched,
                differences.length == 0 ? null : differences[differences.length - 1],
                differences.length == 0 ? null : differences[(differences.length - 1) / 2], minCosine, maxError);
    }

    private record Answer(float[] boxes, float[] scores, long[] labels) {
    }

    /** The detections (the first three outputs), and every further float output into {@code features}. */
    private static Answer run(OrtSession session, Path image, Map<String, float[]> features) throws IOException, OrtException {
        try (OnnxTensor input = Calibration.tensor(image);
                OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            int index = 0;
            for (Map.Entry<String, OnnxValue> output : result) {
                if (index++ >= 3 && output.getValue() instanceof OnnxTensor tensor
                        && tensor.getInfo().type == OnnxJavaType.FLOAT) {
                    // the int8 model's maps come out of a DequantizeLinear, named with a _dq suffix
                    features.put(output.getKey().replaceFirst("_dq$", ""), tensor.getFloatBuffer().array());
                }
            }
            return new Answer(((OnnxTensor) result.get(0)).getFloatBuffer().array(),
                    ((OnnxTensor) result.get(1)).getFloatBuffer().array(), ((OnnxTensor) result.get(2)).getLongBuffer().array());
        }
    }

    /** Detection {@code i} of an export's flat {@code [N, 4]} boxes output. */
    private static Box box(float[] boxes, int i) {
        return new Box(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
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
