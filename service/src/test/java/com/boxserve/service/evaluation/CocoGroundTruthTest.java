package com.boxserve.service.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A malformed instances or results file is refused with a message that names the faulty entry and the fault. */
class CocoGroundTruthTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IMAGE = "{'id': 1, 'file_name': 'a.jpg', 'width': 100, 'height': 50}";
    private static final String CATEGORY = "{'id': 3, 'name': 'car'}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'id': 7, 'image_id': 1, 'category_id': 9, 'bbox': [0, 0, 10, 10]}"
            + "| annotations[0] (id 7): unknown category id 9 (not in categories)",
        "{'id': 7, 'image_id': 2, 'category_id': 3, 'bbox': [0, 0, 10, 10]}"
            + "| annotations[0] (id 7): unknown image id 2 (not in images)",
        "{'id': 7, 'image_id': 1, 'category_id': 3, 'bbox': [95, 0, 10, 10]}"
            + "| annotations[0] (id 7): bbox [95, 0, 10, 10] lies outside image 1 (100×50)",
        "{'id': 7, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 10]}"
            + "| annotations[0] (id 7): bbox must be [x, y, width, height]",
        "{'id': 7, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, -1, 10]}"
            + "| annotations[0] (id 7): bbox [0, 0, -1, 10] has a negative width or height",
        "{'id': 7, 'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 1, 1], 'iscrowd': 2}"
            + "| annotations[0] (id 7): iscrowd must be 0 or 1",
        "{'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 1, 1]}| annotations[0]: 'id' is missing or not an integer",
    })
    void namesTheFaultyAnnotation(String annotation, String message) {
        assertEquals(message, refusal(instances(IMAGE, annotation)));
    }

    @Test
    void aBoxMayReachAPixelPastTheEdgeAsCocosOwnRoundingDoes() {
        CocoGroundTruth truth = CocoGroundTruth.read(json(instances(IMAGE,
                "{'id': 7, 'image_id': 1, 'category_id': 3, 'bbox': [-0.5, 0, 100.9, 50.4]}")), true);
        assertEquals(100.9 * 50.4, truth.truths().get(0).area(), 1e-9, "the box's area where none is annotated");
    }

    @Test
    void anImageForAJobNeedsItsFileAndSize() {
        String noSize = instances("{'id': 1, 'file_name': 'a.jpg'}", "");
        assertEquals("images[0] (id 1): 'width' is missing or not a positive integer",
                assertThrows(ServiceFailure.class, () -> CocoGroundTruth.read(json(noSize), true)).detail());
        assertEquals(1, CocoGroundTruth.read(json(noSize), false).images().size(), "scoring needs neither");
        assertEquals("images[1]: image id 1 is listed twice", refusal(
                "{'images': [" + IMAGE + ", " + IMAGE + "], 'categories': [" + CATEGORY + "]}"));
        assertEquals("the annotations have no 'categories' list", refusal("{'images': []}"));
    }

    @Test
    void detectionsMustBeOfTheGroundTruthsImages() {
        CocoGroundTruth truth = CocoGroundTruth.read(json(instances(IMAGE, "")), false);
        ServiceFailure refused = assertThrows(ServiceFailure.class, () -> truth.readDetections(json(
                "[{'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 1, 1], 'score': 0.5},"
                        + " {'image_id': 4, 'category_id': 3, 'bbox': [0, 0, 1, 1], 'score': 0.5}]")));
        assertEquals(FailureKind.INVALID_REQUEST, refused.kind());
        assertEquals("detections[1]: image id 4 is not in the ground truth", refused.detail());
        assertEquals("detections[0]: score is missing or not a finite number", assertThrows(ServiceFailure.class,
                () -> truth.readDetections(json("[{'image_id': 1, 'category_id': 3, 'bbox': [0, 0, 1, 1]}]")))
                .detail());
    }

    private static String instances(String image, String annotation) {
        return "{'images': [" + image + "], 'annotations': [" + annotation + "], 'categories': [" + CATEGORY + "]}";
    }

    private static String refusal(String instances) {
        return assertThrows(ServiceFailure.class, () -> CocoGroundTruth.read(json(instances), true)).detail();
    }

    private static JsonNode json(String singleQuoted) {
        try {
            return JSON.readTree(singleQuoted.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(singleQuoted, e);
        }
    }
}
