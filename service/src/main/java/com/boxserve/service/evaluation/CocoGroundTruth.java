package com.boxserve.service.evaluation;

import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A COCO instances file ({@code images}, {@code annotations}, {@code categories}), read with every
 * fault named: which image, annotation or category, and what is wrong with it. Where the file
 * images are to be read for a job, a box must lie inside its image (to within a pixel, the rounding
 * COCO's own files have); for scoring, as for cocoapi, it need not.
 */
public record CocoGroundTruth(List<Image> images, List<Category> categories, List<CocoEvaluator.Truth> truths) {

    /** An image as the file lists it; {@code width} and {@code height} are 0 where the file leaves them out. */
    public record Image(long id, String fileName, int width, int height) {
    }

    public record Category(long id, String name) {
    }

    /** How far a box may reach past its image's edge before it is an error, not rounding. */
    private static final double EDGE_TOLERANCE = 1.0;

    public CocoGroundTruth {
        images = List.copyOf(images);
        categories = List.copyOf(categories);
        truths = List.copyOf(truths);
    }

    /**
     * @param forJob whether images will be read from files: then each needs its {@code file_name},
     *     {@code width} and {@code height}, and each box must lie inside its image
     * @throws ServiceFailure an invalid request naming the first fault
     */
    public static CocoGroundTruth read(JsonNode root, boolean forJob) {
        if (root == null || !root.isObject()) {
            throw ServiceFailure.invalid("the annotations are not a COCO instances object (images, annotations, "
                    + "categories)");
        }
        List<Image> images = new ArrayList<>();
        Map<Long, Image> imagesById = new HashMap<>();
        for (JsonNode node : array(root, "images", true)) {
            String where = "images[" + images.size() + "]";
            long id = integer(node, "id", where);
            String fileName = text(node, "file_name", where + " (id " + id + ")", forJob);
            int width = (int) positive(node, "width", where + " (id " + id + ")", forJob);
            int height = (int) positive(node, "height", where + " (id " + id + ")", forJob);
            Image image = new Image(id, fileName, width, height);
            if (imagesById.put(id, image) != null) {
                throw ServiceFailure.invalid(where + ": image id " + id + " is listed twice");
            }
            images.add(image);
        }
        List<Category> categories = new ArrayList<>();
        Set<Long> categoryIds = new HashSet<>();
        for (JsonNode node : array(root, "categories", true)) {
            String where = "categories[" + categories.size() + "]";
            long id = integer(node, "id", where);
            if (!categoryIds.add(id)) {
                throw ServiceFailure.invalid(where + ": category id " + id + " is listed twice");
            }
            categories.add(new Category(id, text(node, "name", where + " (id " + id + ")", false)));
        }
        List<CocoEvaluator.Truth> truths = new ArrayList<>();
        Set<Long> annotationIds = new HashSet<>();
        for (JsonNode node : array(root, "annotations", false)) {
            String where = "annotations[" + truths.size() + "]";
            long id = integer(node, "id", where);
            where += " (id " + id + ")";
            if (!annotationIds.add(id)) {
                throw ServiceFailure.invalid(where + ": annotation id " + id + " is listed twice");
            }
            long imageId = integer(node, "image_id", where);
            Image image = imagesById.get(imageId);
            if (image == null) {
                throw ServiceFailure.invalid(where + ": unknown image id " + imageId + " (not in images)");
            }
            long categoryId = integer(node, "category_id", where);
            if (!categoryIds.contains(categoryId)) {
                throw ServiceFailure.invalid(where + ": unknown category id " + categoryId + " (not in categories)");
            }
            double[] box = box(node, where);
            if (forJob && outside(box, image)) {
                throw ServiceFailure.invalid(where + ": bbox " + show(box) + " lies outside image " + imageId + " ("
                        + image.width() + "×" + image.height() + ")");
            }
            JsonNode area = node.get("area");
            if (area != null && !area.isNumber()) {
                throw ServiceFailure.invalid(where + ": area is not a number");
            }
            JsonNode crowd = node.path("iscrowd");
            if (!crowd.isMissingNode() && !(crowd.isIntegralNumber() && (crowd.asInt() == 0 || crowd.asInt() == 1))) {
                throw ServiceFailure.invalid(where + ": iscrowd must be 0 or 1");
            }
            // cocoapi reads area as given (a segmentation's, smaller than the box); absent, the box's is the best there is
            truths.add(new CocoEvaluator.Truth(id, imageId, categoryId, box,
                    area == null ? box[2] * box[3] : area.asDouble(), crowd.asInt() == 1));
        }
        return new CocoGroundTruth(images, categories, truths);
    }

    public List<Long> imageIds() {
        return images.stream().map(Image::id).toList();
    }

    public List<Long> categoryIds() {
        return categories.stream().map(Category::id).toList();
    }

    public CocoEvaluator.Result evaluate(List<CocoEvaluator.Detection> detections) {
        return CocoEvaluator.evaluate(imageIds(), categoryIds(), truths, detections);
    }

    /**
     * Detections in COCO results format ({@code image_id}, {@code category_id}, {@code bbox},
     * {@code score}), each of an image of this ground truth, as cocoapi's {@code loadRes} demands;
     * detections of categories the ground truth lacks are read and, as there, not counted.
     */
    public List<CocoEvaluator.Detection> readDetections(JsonNode results) {
        if (results == null || !results.isArray()) {
            throw ServiceFailure.invalid("the detections are not a list in COCO results format (image_id, "
                    + "category_id, bbox, score)");
        }
        Set<Long> imageIds = new HashSet<>(imageIds());
        List<CocoEvaluator.Detection> detections = new ArrayList<>();
        for (JsonNode node : results) {
            String where = "detections[" + detections.size() + "]";
            long imageId = integer(node, "image_id", where);
            if (!imageIds.contains(imageId)) {
                throw ServiceFailure.invalid(where + ": image id " + imageId + " is not in the ground truth");
            }
            JsonNode score = node.get("score");
            if (score == null || !score.isNumber() || !Double.isFinite(score.asDouble())) {
                throw ServiceFailure.invalid(where + ": score is missing or not a finite number");
            }
            detections.add(new CocoEvaluator.Detection(imageId, integer(node, "category_id", where), box(node, where),
                    score.asDouble()));
        }
        return detections;
    }

    private static boolean outside(double[] box, Image image) {
        return box[0] < -EDGE_TOLERANCE || box[1] < -EDGE_TOLERANCE || box[0] + box[2] > image.width() + EDGE_TOLERANCE
                || box[1] + box[3] > image.height() + EDGE_TOLERANCE;
    }

    private static JsonNode array(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null && !required) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (node == null || !node.isArray()) {
            throw ServiceFailure.invalid("the annotations have no '" + field + "' list");
        }
        return node;
    }

    private static long integer(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            throw ServiceFailure.invalid(where + ": '" + field + "' is missing or not an integer");
        }
        return value.asLong();
    }

    private static String text(JsonNode node, String field, String where, boolean required) {
        JsonNode value = node.get(field);
        if (value == null && !required) {
            return null;
        }
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw ServiceFailure.invalid(where + ": '" + field + "' is missing or not a string");
        }
        return value.asText();
    }

    private static long positive(JsonNode node, String field, String where, boolean required) {
        JsonNode value = node.get(field);
        if (value == null && !required) {
            return 0;
        }
        if (value == null || !value.canConvertToExactIntegral() || value.asLong() < 1 || value.asLong() > 1 << 20) {
            throw ServiceFailure.invalid(where + ": '" + field + "' is missing or not a positive integer");
        }
        return value.asLong();
    }

    private static double[] box(JsonNode node, String where) {
        JsonNode bbox = node.get("bbox");
        if (bbox == null || !bbox.isArray() || bbox.size() != 4) {
            throw ServiceFailure.invalid(where + ": bbox must be [x, y, width, height]");
        }
        double[] box = new double[4];
        for (int i = 0; i < 4; i++) {
            if (!bbox.get(i).isNumber() || !Double.isFinite(bbox.get(i).asDouble())) {
                throw ServiceFailure.invalid(where + ": bbox must be [x, y, width, height] of finite numbers");
            }
            box[i] = bbox.get(i).asDouble();
        }
        if (box[2] < 0 || box[3] < 0) {
            throw ServiceFailure.invalid(where + ": bbox " + show(box) + " has a negative width or height");
        }
        return box;
    }

    private static String show(double[] box) {
        return "[" + num(box[0]) + ", " + num(box[1]) + ", " + num(box[2]) + ", " + num(box[3]) + "]";
    }

    private static String num(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
