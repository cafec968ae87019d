package com.boxserve.service.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The evaluator against the COCO reference evaluator's own figures (cocoapi's COCOeval, bbox,
 * default parameters) on eight cases: crowd regions, area ranges, empty images, a category with no
 * detections, over 100 detections per image, score ties, an annotated area unlike the box's, and no
 * detections at all (which the reference cannot load; here every figure with ground truth is 0).
 * The cases and figures are {@code src/test/resources/coco-eval}, copied from the project's shared fixtures,
 * and four of our own for branches those do not reach (written, and their figures explained, by its
 * {@code make_own_cases.py}). The largest difference from the reference's figures, per case, is kept in
 * {@code target/coco-eval/differences.json}.
 */
class CocoEvaluatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, Double> LARGEST_DIFFERENCE = new ConcurrentSkipListMap<>();

    @AfterAll
    static void keepTheLargestDifferences() throws Exception {
        Path out = Files.createDirectories(Path.of("target/coco-eval"));
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("differences.json").toFile(), LARGEST_DIFFERENCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "crowd-regions", "area-ranges", "empty-images-and-missing-category",
        "over-100-detections-per-image", "score-ties", "segmentation-area-differs-from-box", "no-detections-at-all",
        "between-iou-thresholds", "false-positive-outside-the-area-range", "detection-of-an-unknown-category",
        "crowd-only-image"})
    void givesTheReferenceEvaluatorsFigures(String name) throws Exception {
        CocoGroundTruth truth = CocoGroundTruth.read(read(name, "ground_truth.json"), false);
        JsonNode expected = read(name, "expected.json");
        List<CocoEvaluator.Detection> detections = truth.readDetections(read(name, "detections.json"));
        CocoEvaluator.Result result = truth.evaluate(detections);
        if (expected.path("stats").isNull()) {
            // nothing found: 0 wherever there is ground truth to find, -1 (no figure) where there is none
            result.stats().forEach((figure, value) -> assertTrue(value == 0 || value == -1, figure + " " + value));
            assertEquals(0.0, result.stats().get("AP"));
            return;
        }
        double largest = 0;
        for (String figure : CocoEvaluator.STATS) {
            assertEquals(expected.path("stats").path(figure).asDouble(), result.stats().get(figure), 1e-6, figure);
            largest = Math.max(largest, Math.abs(expected.path("stats").path(figure).asDouble()
                    - result.stats().get(figure)));
        }
        Map<Long, Double> perCategory = result.perCategoryAp();
        for (Map.Entry<String, JsonNode> category : expected.path("perCategoryAP").properties()) {
            double mine = perCategory.get(Long.parseLong(category.getKey()));
            assertEquals(category.getValue().asDouble(), mine, 1e-6, "AP of category " + category.getKey());
            largest = Math.max(largest, Math.abs(category.getValue().asDouble() - mine));
        }
        LARGEST_DIFFERENCE.put(name, largest);
    }

    private static JsonNode read(String name, String file) throws Exception {
        try (InputStream in = CocoEvaluatorTest.class.getResourceAsStream("/coco-eval/" + name + "/" + file)) {
            return JSON.readTree(in);
        }
    }
}
