/**
 * How the service refuses or fails a request, in one vocabulary every protocol maps: {@link ServiceFailure}
 * carries a {@link FailureKind}, and the kind alone decides the status, the problem type and the metric
 * outcome, so that a feature never chooses an HTTP status and a new protocol is one more switch.
 *
 * <p>This is the lowest service package, which is why every feature may throw its failures: it imports no
 * other {@code com.boxserve.service} package, nor Spring, only the model zoo's
 * {@link com.boxserve.zoo.ImageShapeException}, which it turns into a failure here and nowhere else.
 * Anything that would need a feature, or {@code web}, belongs in that package instead.
 */
package com.boxserve.service.failure;
