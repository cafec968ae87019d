package com.boxserve.service.evaluation;

import jakarta.validation.constraints.NotBlank;
import java.util.List;
import java.util.Map;

/**
 * A job on a folder under the data root.
 *
 * @param directory the folder, relative to {@code boxserve.evaluation.data-root}
 * @param annotations the COCO instances file, relative to the folder; unset: the one JSON file in it
 * @param models the models to evaluate; unset: every READY model
 * @param categoryMapping the dataset's category names to COCO's, where they differ
 */
public record EvaluationRequest(@NotBlank String directory, String annotations, List<String> models,
        Map<String, String> categoryMapping) {
}
