package com.boxserve.service.evaluation;

import com.boxserve.service.failure.JsonBodyErrors;
import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/evaluations/score}: COCO's figures for a ground-truth file and a detections file,
 * with no model run, so that any detector's output can be scored as the reference evaluator
 * scores it, and evaluation jobs' downloaded detections checked.
 */
@RestController
@Tag(name = "evaluation", description = "COCO box evaluation of the served models on labelled images")
public class ScoreController {

    private final ObjectMapper json;

    ScoreController(ObjectMapper json) {
        this.json = json;
    }

    /** Both files inline. */
    public record ScoreRequest(@NotNull JsonNode groundTruth, @NotNull JsonNode detections) {
    }

    @PostMapping(path = "/v1/evaluations/score", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(summary = "Score detections in COCO results format against COCO ground truth, sent inline")
    public EvaluationFigures score(@Valid @RequestBody ScoreRequest request) {
        return score(request.groundTruth(), request.detections());
    }

    @PostMapping(path = "/v1/evaluations/score", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @Operation(summary = "Score a COCO results file against a COCO instances file, sent as the parts "
            + "'groundTruth' and 'detections'")
    public EvaluationFigures scoreFiles(@RequestPart("groundTruth") MultipartFile groundTruth,
            @RequestPart("detections") MultipartFile detections) {
        return score(read(groundTruth, "groundTruth"), read(detections, "detections"));
    }

    private static EvaluationFigures score(JsonNode groundTruth, JsonNode detections) {
        CocoGroundTruth truth = CocoGroundTruth.read(groundTruth, false);
        return EvaluationFigures.of(truth, truth.readDetections(detections));
    }

    private JsonNode read(MultipartFile file, String part) {
        try (InputStream in = file.getInputStream()) {
            return json.readTree(in);
        } catch (IOException e) {
            throw ServiceFailure.invalid("the part '" + part + "' is not JSON: " + JsonBodyErrors.describe(e));
        }
    }
}
