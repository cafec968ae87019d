/**
 * What every HTTP request passes through, whatever feature it reaches: tokens ({@link AccessTokenFilter}),
 * the guard on management endpoints, the wiring of detection's admission door, and the RFC 7807 problem
 * every failure is answered with ({@link ApiExceptionHandler}), also for errors that Tomcat and the
 * container raise outside any controller ({@link ProblemErrorReportValve}, {@link ContainerErrorController}),
 * so that a client sees one error format and features never write one.
 *
 * <p>Dependency rule: this package sits above the features. It may import {@code failure},
 * {@code security} (the tokens, shared with gRPC) and the features it wires (today {@link com.boxserve.service.detection.DetectionAdmission} and
 * {@link com.boxserve.service.models.ManagementOperation}), but no feature package ({@code detection},
 * {@code models}, {@code networks}, {@code openinference}, {@code security}, {@code training},
 * {@code workload}, {@code failure}) may import it,
 * so that the features stay free of how their answers are written.
 */
package com.boxserve.service.web;
