package com.boxserve.service.openinference;

import com.boxserve.service.detection.Detected;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.zoo.Detection;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The detections of a request's images as the protocol's output tensors. The K detections of all
 * N images stand one after another, image by image: {@code boxes} FP32 [K, 4] (x1, y1, x2, y2 in
 * the image's pixels), {@code scores} FP32 [K], {@code labels} INT64 [K] (COCO category ids),
 * {@code label_names} BYTES [K], and {@code detections_per_image} INT64 [N], which says where each
 * image's run ends. Each output is JSON or, asked for, binary data (little-endian; a BYTES element
 * is its length as a uint32, then its bytes).
 */
final class DetectionTensors {

    static final List<String> NAMES = List.of("boxes", "scores", "labels", "label_names", "detections_per_image");

    /** One output: its shape, datatype, the values for JSON and the bytes for binary data. */
    record Tensor(String name, List<Long> shape, String datatype, Object json, byte[] binary) {
    }

    private DetectionTensors() {
    }

    static Map<String, Tensor> of(List<Detected> answers) {
        List<Detection> all = new ArrayList<>();
        long[] perImage = new long[answers.size()];
        for (int i = 0; i < answers.size(); i++) {
            List<Detection> detections = answers.get(i).result().detections();
            perImage[i] = detections.size();
            all.addAll(detections);
        }
        int k = all.size();
        float[] boxes = new float[k * 4];
        float[] scores = new float[k];
        long[] labels = new long[k];
        List<String> names = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Detection d = all.get(i);
            boxes[4 * i] = (float) d.box().x1();
            boxes[4 * i + 1] = (float) d.box().y1();
            boxes[4 * i + 2] = (float) d.box().x2();
            boxes[4 * i + 3] = (float) d.box().y2();
            scores[i] = d.score();
            labels[i] = d.categoryId();
            names.add(d.label());
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("boxes", new Tensor("boxes", List.of((long) k, 4L), "FP32", boxes, floats(boxes)));
        tensors.put("scores", new Tensor("scores", List.of((long) k), "FP32", scores, floats(scores)));
        tensors.put("labels", new Tensor("labels", List.of((long) k), "INT64", labels, longs(labels)));
        tensors.put("label_names", new Tensor("label_names", List.of((long) k), "BYTES", names, strings(names)));
        tensors.put("detections_per_image", new Tensor("detections_per_image", List.of((long) perImage.length),
                "INT64", perImage, longs(perImage)));
        return tensors;
    }

    /** The outputs the request names, in its order (all of them where it names none), each JSON or binary. */
    static List<Requested> select(InferenceRequest request) {
        boolean allBinary = flag(request.parameters(), "binary_data_output", "parameters");
        if (request.outputs() == null || request.outputs().isEmpty()) {
            return NAMES.stream().map(name -> new Requested(name, allBinary)).toList();
        }
        List<Requested> requested = new ArrayList<>();
        for (int i = 0; i < request.outputs().size(); i++) {
            InferenceRequest.Output output = request.outputs().get(i);
            if (output == null || !NAMES.contains(output.name())) {
                throw ServiceFailure.invalid("outputs[" + i + "]: no output named " + (output == null ? null
                        : "'" + output.name() + "'") + "; the outputs are " + NAMES);
            }
            Object binary = output.parameters() == null ? null : output.parameters().get("binary_data");
            requested.add(new Requested(output.name(), binary == null ? allBinary
                    : flag(output.parameters(), "binary_data", "outputs[" + i + "].parameters")));
        }
        return requested;
    }

    /** An output to answer, and whether as binary data. */
    record Requested(String name, boolean binary) {
    }

    private static boolean flag(Map<String, Object> parameters, String name, String where) {
        Object value = parameters == null ? null : parameters.get(name);
        if (value != null && !(value instanceof Boolean)) {
            throw ServiceFailure.invalid(where + "." + name + " must be true or false; found " + value);
        }
        return Boolean.TRUE.equals(value);
    }

    private static byte[] floats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    private static byte[] longs(long[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asLongBuffer().put(values);
        return buffer.array();
    }

    private static byte[] strings(List<String> values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String value : values) {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length).array());
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
