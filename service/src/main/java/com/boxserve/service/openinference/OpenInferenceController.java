package com.boxserve.service.openinference;

import com.boxserve.service.detection.DetectionCall;
import com.boxserve.service.detection.DetectionEndpoint;
import com.boxserve.service.detection.DetectionService;
import com.boxserve.service.detection.Detected;
import com.boxserve.service.detection.ImageProperties;
import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.JsonBodyErrors;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ServedModel;
import com.boxserve.zoo.DetectionOptions;
import com.boxserve.zoo.DetectorMetadata;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Open Inference Protocol (KServe v2) over REST, beside {@code /v1}: health, server and model
 * metadata, model readiness, and inference, each model with one version, its export's identity.
 * Inference goes through the same door, workload manager, limits, meters (tagged {@code api=v2})
 * and tokens as {@code /v1}; failures are the protocol's {@code {"error": ...}} bodies with
 * {@code /v1}'s status codes. The binary tensor data extension is supported both ways.
 */
@RestController
@Tag(name = "open inference protocol", description = "KServe v2 / Open Inference Protocol, REST")
public class OpenInferenceController {

    /** The binary extension's header: the length of the JSON before the tensors' bytes. */
    static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final DetectorRegistry registry;
    private final DetectionService detections;
    private final ImageProperties limits;
    private final ObjectMapper json;

    OpenInferenceController(DetectorRegistry registry, DetectionService detections, ImageProperties limits,
            ObjectMapper json) {
        this.registry = registry;
        this.detections = detections;
        this.limits = limits;
        this.json = json;
    }

    @GetMapping("/v2/health/live")
    @Operation(summary = "Server live: 200 while the process answers")
    public Map<String, Boolean> live() {
        return Map.of("live", true);
    }

    /** 503 until every required model is READY, as KServe's own server answers (the protocol asks only for non-200). */
    @GetMapping("/v2/health/ready")
    @Operation(summary = "Server ready: 200 once every required model is READY")
    public Map<String, Boolean> ready() {
        if (!registry.requiredReady()) {
            throw ServiceFailure.retryable(FailureKind.MODEL_NOT_READY, "not every required model is READY: "
                    + registry.required().stream().map(m -> m.name() + " " + m.status()).toList(),
                    Duration.ofSeconds(5));
        }
        return Map.of("ready", true);
    }

    @GetMapping({"/v2", "/v2/"})
    @Operation(summary = "Server metadata: name, version and the extensions supported")
    public OpenInferenceModels.ServerMetadata server() {
        return OpenInferenceModels.server();
    }

    @GetMapping({"/v2/models/{name}", "/v2/models/{name}/versions/{version}"})
    @Operation(summary = "Model metadata: its one version, platform, input and outputs")
    public OpenInferenceModels.ModelMetadata model(@PathVariable String name,
            @PathVariable(required = false) String version) {
        return OpenInferenceModels.describe(registry.get(name), version);
    }

    @GetMapping({"/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready"})
    @Operation(summary = "Model ready: 200 when the model takes requests")
    public Map<String, Object> modelReady(@PathVariable String name, @PathVariable(required = false) String version) {
        ServedModel model = registry.get(name);
        OpenInferenceModels.metadata(model, version);
        // whether it takes requests, not whether a place is free now: a busy model is ready
        model.requireReady();
        return Map.of("name", name, "ready", true);
    }

    @PostMapping({"/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer"})
    @Operation(summary = "Detect objects in images: BYTES [N] encoded files or UINT8 [N, H, W, 3] pixels, JSON or "
            + "binary tensor data")
    @Parameter(name = "name", in = ParameterIn.PATH, required = true, description = "a served model")
    @DetectionEndpoint(api = "v2")
    public ResponseEntity<byte[]> infer(@PathVariable(required = false) String version,
            @Parameter(hidden = true) @RequestAttribute(DetectionCall.ATTRIBUTE) DetectionCall call,
            @RequestHeader(value = HEADER_LENGTH, required = false) String headerLength, InputStream body)
            throws IOException {
        ServedModel model = call.model();
        DetectorMetadata metadata = OpenInferenceModels.metadata(model, version);
        byte[] bytes = limits.readBody(body);
        int header = headerLength(headerLength, bytes.length);
        InferenceRequest request = parse(bytes, header);
        ImageTensors.Images images = ImageTensors.read(request, ByteBuffer.wrap(bytes, header, bytes.length - header),
                limits);
        List<DetectionTensors.Requested> outputs = DetectionTensors.select(request);
        DetectionOptions options = OpenInferenceModels.options(request.parameters());
            OpenInferenceModels.deadline(request.parameters()).ifPresent(call::within);
        List<Detected> answers = images.encoded() != null ? detections.detect(call, images.encoded(), options)
                : detections.detectPixels(call, images.pixels(), options);
        return answer(request, model, metadata, answers, outputs);
    }

    private ResponseEntity<byte[]> answer(InferenceRequest request, ServedModel model, DetectorMetadata metadata,
            List<Detected> answers, List<DetectionTensors.Requested> requested) throws JsonProcessingException {
        Map<String, DetectionTensors.Tensor> tensors = DetectionTensors.of(answers);
        List<InferenceResponse.Output> outputs = new ArrayList<>();
        List<byte[]> binary = new ArrayList<>();
        for (DetectionTensors.Requested output : requested) {
            DetectionTensors.Tensor tensor = tensors.get(output.name());
            if (output.binary()) {
                outputs.add(new InferenceResponse.Output(tensor.name(), tensor.shape(), tensor.datatype(),
                        Map.of("binary_data_size", tensor.binary().length), null));
                binary.add(tensor.binary());
            } else {
                outputs.add(new InferenceResponse.Output(tensor.name(), tensor.shape(), tensor.datatype(), null,
                        tensor.json()));
            }
        }
        Map<String, Object> parameters = model.warning().<Map<String, Object>>map(warning -> Map.of("warning", warning,
                "precision", model.precision().label())).orElse(null);
        byte[] header = json.writeValueAsBytes(new InferenceResponse(model.name(), OpenInferenceModels.version(metadata),
                request.id(), parameters, outputs));
        if (binary.isEmpty()) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(header);
        }
        int length = header.length + binary.stream().mapToInt(b -> b.length).sum();
        ByteBuffer body = ByteBuffer.allocate(length).put(header);
        binary.forEach(body::put);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM)
                .header(HEADER_LENGTH, Integer.toString(header.length)).body(body.array());
    }

    private static int headerLength(String header, int bodyLength) {
        if (header == null) {
            return bodyLength;
        }
        try {
            int length = Integer.parseInt(header.trim());
            if (length >= 0 && length <= bodyLength) {
                return length;
            }
        } catch (NumberFormatException e) {
            // answered below, with the body's length
        }
        throw ServiceFailure.invalid(HEADER_LENGTH + " " + header + " is not a length within the body's " + bodyLength
                + " bytes");
    }

    private InferenceRequest parse(byte[] bytes, int length) {
        try {
            InferenceRequest request = json.readValue(bytes, 0, length, InferenceRequest.class);
            if (request == null) {
                throw ServiceFailure.invalid("the body must be an inference request, a JSON object");
            }
            return request;
        } catch (IOException e) {
            throw ServiceFailure.invalid(JsonBodyErrors.describe(e));
        }
    }
}
