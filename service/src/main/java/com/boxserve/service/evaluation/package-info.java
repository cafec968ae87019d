/**
 * Evaluation of the served models on labelled images: {@link CocoEvaluator} computes the COCO box figures
 * exactly as the reference evaluator does, so that a user's own images give figures comparable with the
 * published ones.
 *
 * <p>Dependency rule: plain arithmetic on boxes; it imports no other service package and no Spring.
 */
package com.boxserve.service.evaluation;
