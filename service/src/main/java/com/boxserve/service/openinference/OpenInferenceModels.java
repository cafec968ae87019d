package com.boxserve.service.openinference;

import com.boxserve.service.Sha256;
import com.boxserve.service.detection.RequestedOptions;
import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.ServedModel;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectorMetadata;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What both of the protocol's transports, REST and gRPC, say of a served model and read from a request. */
final class OpenInferenceModels {

    static final String EXTENSION = "binary_tensor_data";
    /** A day, as the {@code timeout} query parameter's bound. */
    private static final long MAX_TIMEOUT_MICROS = 24L * 3600 * 1_000_000;

    record ServerMetadata(String name, String version, List<String> extensions) {
    }

    record TensorMetadata(String name, String datatype, List<Long> shape) {
    }

    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
            List<TensorMetadata> outputs) {
    }

    private OpenInferenceModels() {
    }

    static ServerMetadata server() {
        String version = Objects.requireNonNullElse(OpenInferenceModels.class.getPackage().getImplementationVersion(),
                "dev");
        return new ServerMetadata("boxserve", version, List.of(EXTENSION));
    }

    /** Its one version, its platform, its input (the images) and outputs (the detections). */
    static ModelMetadata describe(ServedModel model, String version) {
        DetectorMetadata metadata = metadata(model, version);
        return new ModelMetadata(model.name(), List.of(version(metadata)),
                model.engineName().equals("OnnxRuntime") ? "onnx_onnxv1" : "pytorch_torchscript",
                List.of(new TensorMetadata("image", "BYTES", List.of(-1L))),
                List.of(new TensorMetadata("boxes", "FP32", List.of(-1L, 4L)),
                        new TensorMetadata("scores", "FP32", List.of(-1L)),
                        new TensorMetadata("labels", "INT64", List.of(-1L)),
                        new TensorMetadata("label_names", "BYTES", List.of(-1L)),
                        new TensorMetadata("detections_per_image", "INT64", List.of(-1L))));
    }

    /** The model's metadata, once it has read its export; a version other than the export's is unknown. */
    static DetectorMetadata metadata(ServedModel model, String version) {
        DetectorMetadata metadata = model.metadata().orElse(null);
        if (metadata == null) {
            // the model's own refusal: its status, its failure, and a retry time only where waiting helps
            model.requireReady();
            throw new IllegalStateException(model.name() + " is READY without its metadata");
        }
        if (version != null && !version.isEmpty() && !version.equals(version(metadata))) {
            throw new ServiceFailure(FailureKind.UNKNOWN_MODEL, model.name() + " has no version '" + version
                    + "'; it serves version " + version(metadata));
        }
        return metadata;
    }

    /** The export's identity: what it was exported from and how, digested, so a new export is a new version. */
    static String version(DetectorMetadata metadata) {
        return HexFormat.of().formatHex(Sha256.of(metadata.toString())).substring(0, 12);
    }

    /**
     * The request's deadline from its {@code timeout} parameter, in microseconds as Triton's
     * schedule-policy extension has it (0: none); empty without one.
     */
    static Optional<Instant> deadline(Map<String, Object> parameters) {
        Object timeout = parameters == null ? null : parameters.get("timeout");
        if (timeout == null) {
            return Optional.empty();
        }
        if (!(timeout instanceof Integer || timeout instanceof Long) || ((Number) timeout).longValue() < 0
                || ((Number) timeout).longValue() > MAX_TIMEOUT_MICROS) {
            throw ServiceFailure.invalid("parameters.timeout must be a whole number of microseconds from 0 (none) to "
                    + MAX_TIMEOUT_MICROS + "; found " + timeout);
        }
        long micros = ((Number) timeout).longValue();
        return micros == 0 ? Optional.empty() : Optional.of(Instant.now().plus(micros, ChronoUnit.MICROS));
    }

    /** The request's parameters: threshold, classes (names or ids, comma-separated) and maxDetections. */
    static DetectionOptions options(Map<String, Object> parameters) {
        Map<String, Object> given = new LinkedHashMap<>(parameters == null ? Map.of() : parameters);
        given.remove("binary_data_output");
        given.remove("timeout");
        Object threshold = given.remove("threshold");
        Object classes = given.remove("classes");
        Object cap = given.remove("maxDetections");
        if (!given.isEmpty()) {
            throw ServiceFailure.invalid("parameters: " + given.keySet() + " unknown; the parameters are threshold, "
                    + "classes, maxDetections, timeout and binary_data_output");
        }
        if (threshold != null && !(threshold instanceof Number)) {
            throw ServiceFailure.invalid("parameters.threshold must be a number; found " + threshold);
        }
        if (classes != null && !(classes instanceof String)) {
            throw ServiceFailure.invalid("parameters.classes must be a string of COCO names or ids, comma-separated");
        }
        if (cap != null && !(cap instanceof Integer || cap instanceof Long)) {
            throw ServiceFailure.invalid("parameters.maxDetections must be a whole number; found " + cap);
        }
        return RequestedOptions.of(threshold == null ? null : ((Number) threshold).floatValue(),
                classes == null ? null : List.of((String) classes), cap == null ? null : Math.toIntExact(((Number) cap)
                        .longValue()));
    }
}
