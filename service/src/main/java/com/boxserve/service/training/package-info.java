/**
 * The training API: derivatives by autograd, linear regression by gradient descent, and pooling, on the
 * engine that serves detections ({@link Engines}). {@link TrainingService} checks each request against
 * {@link TrainingProperties} and runs it on a small pool of its own, so that long runs can never take a
 * detection worker; {@link TrainingController} is its HTTP face.
 *
 * <p>Dependency rule: this package may import {@code workload} and {@code failure}. It must not import
 * {@code networks}, which builds on its engine helpers, limits and pool (the dependency runs one way
 * only), nor {@code web}, {@code models} or {@code detection}.
 */
package com.boxserve.service.training;
