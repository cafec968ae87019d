/**
 * The detect path, from a request's admission to its answer: {@link DetectionAdmission} takes a place in
 * the model's pool from the route alone, before the body is read, so that a refused request costs no
 * decoding; {@link DetectionController} reads the images and {@link DetectionService} checks and runs them,
 * free of HTTP, so that the rules live in one place however the images arrive.
 *
 * <p>Dependency rule: this package may import {@code models} (the served models), {@code workload} (their
 * pools), {@code security} (who may ask for the high class) and {@code failure}. It must not import {@code web}: the web layer wires the door in, not the
 * other way round, and every failure reaches the one exception handler as a
 * {@link com.boxserve.service.failure.ServiceFailure}.
 */
package com.boxserve.service.detection;
