/**
 * Evaluation of the served models on labelled images: {@link CocoEvaluator} computes the COCO box figures
 * exactly as the reference evaluator does, so that a user's own images give figures comparable with the
 * published ones; {@link CocoGroundTruth} reads COCO files, naming every fault; {@link ScoreController}
 * scores any detections without running a model.
 *
 * <p>Dependency rule: the evaluator itself is plain arithmetic on boxes; the rest uses {@code failure}
 * for its refusals.
 */
package com.boxserve.service.evaluation;
