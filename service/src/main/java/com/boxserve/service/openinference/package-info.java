/**
 * The Open Inference Protocol (KServe v2), over REST and gRPC. {@link OpenInferenceController} answers its health,
 * metadata and readiness routes and turns its inference requests ({@link ImageTensors}, JSON or the binary
 * tensor data extension) into the same detection calls as {@code /v1}, through the same door
 * ({@link com.boxserve.service.detection.DetectionAdmission}), and their detections into its output
 * tensors ({@link DetectionTensors}). {@link OpenInferenceErrors} gives the one exception handler's
 * answers under {@code /v2} the protocol's {@code {"error": ...}} shape, so a failure maps to a status once.
 * {@link GrpcServer} serves the same over gRPC ({@link GrpcInferenceService}, which reads its messages with
 * the same readers), {@link GrpcFailures} mapping each failure kind to a gRPC status in one switch.
 *
 * <p>Dependency rule: this package may import {@code detection}, {@code models}, {@code security} and
 * {@code failure}; it must not import {@code web}, and nothing but the wiring imports it.
 */
package com.boxserve.service.openinference;
