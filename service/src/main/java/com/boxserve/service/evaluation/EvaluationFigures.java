package com.boxserve.service.evaluation;

import java.util.List;
import java.util.Map;

/**
 * COCO's figures for one set of detections: the twelve summary figures by name (AP, AP50, AP75,
 * APsmall, APmedium, APlarge, AR1, AR10, AR100, ARsmall, ARmedium, ARlarge; -1 where there is no
 * ground truth to measure, as COCO reports it) and AP per category.
 */
public record EvaluationFigures(Map<String, Double> stats, List<CategoryAp> perCategory, int images, int annotations,
        int detections) {

    /** AP at IoU 0.50:0.95, all areas, 100 detections; -1 for a category with no ground truth. */
    public record CategoryAp(long id, String name, double ap) {
    }

    public static EvaluationFigures of(CocoGroundTruth truth, List<CocoEvaluator.Detection> detections) {
        CocoEvaluator.Result result = truth.evaluate(detections);
        List<CategoryAp> perCategory = truth.categories().stream()
                .map(c -> new CategoryAp(c.id(), c.name(), result.perCategoryAp().get(c.id())))
                .toList();
        return new EvaluationFigures(result.stats(), perCategory, truth.images().size(), truth.truths().size(),
                detections.size());
    }
}
