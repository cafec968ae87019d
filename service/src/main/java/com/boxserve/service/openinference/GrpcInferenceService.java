package com.boxserve.service.openinference;

import com.boxserve.service.detection.DetectionCall;
import com.boxserve.service.detection.DetectionService;
import com.boxserve.service.detection.Detected;
import com.boxserve.service.detection.ImageProperties;
import com.boxserve.service.detection.RequestTerms;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.service.models.DetectorRegistry;
import com.boxserve.service.models.ModelStatus;
import com.boxserve.service.models.ServedModel;
import com.boxserve.service.openinference.grpc.GRPCInferenceServiceGrpc;
import com.boxserve.service.openinference.grpc.InferParameter;
import com.boxserve.service.openinference.grpc.InferTensorContents;
import com.boxserve.service.openinference.grpc.ModelInferRequest;
import com.boxserve.service.openinference.grpc.ModelInferResponse;
import com.boxserve.service.openinference.grpc.ModelMetadataRequest;
import com.boxserve.service.openinference.grpc.ModelMetadataResponse;
import com.boxserve.service.openinference.grpc.ModelReadyRequest;
import com.boxserve.service.openinference.grpc.ModelReadyResponse;
import com.boxserve.service.openinference.grpc.ServerLiveRequest;
import com.boxserve.service.openinference.grpc.ServerLiveResponse;
import com.boxserve.service.openinference.grpc.ServerMetadataRequest;
import com.boxserve.service.openinference.grpc.ServerMetadataResponse;
import com.boxserve.service.openinference.grpc.ServerReadyRequest;
import com.boxserve.service.openinference.grpc.ServerReadyResponse;
import com.boxserve.zoo.DetectorMetadata;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The protocol's {@code GRPCInferenceService}, with REST's semantics: inputs as REST takes them
 * ({@code raw_input_contents}, or {@code bytes_contents} / {@code uint_contents}), outputs in
 * {@code raw_output_contents}, through the same admission, limits, queue and meters
 * ({@code api=grpc}), the client's deadline honoured where it is earlier than the service's.
 */
@Component
class GrpcInferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final Logger log = LoggerFactory.getLogger(GrpcInferenceService.class);

    private final DetectorRegistry registry;
    private final DetectionService detections;
    private final ImageProperties limits;

    GrpcInferenceService(DetectorRegistry registry, DetectionService detections, ImageProperties limits) {
        this.registry = registry;
        this.detections = detections;
        this.limits = limits;
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> responses) {
        answer(responses, () -> ServerLiveResponse.newBuilder().setLive(true).build());
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> responses) {
        answer(responses, () -> ServerReadyResponse.newBuilder().setReady(registry.requiredReady()).build());
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> responses) {
        answer(responses, () -> {
            ServedModel model = registry.get(request.getName());
            boolean ready = model.status() == ModelStatus.READY;
            if (ready) {
                OpenInferenceModels.metadata(model, request.getVersion());
            }
            return ModelReadyResponse.newBuilder().setReady(ready).build();
        });
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> responses) {
        answer(responses, () -> {
            OpenInferenceModels.ServerMetadata server = OpenInferenceModels.server();
            return ServerMetadataResponse.newBuilder().setName(server.name()).setVersion(server.version())
                    .addAllExtensions(server.extensions()).build();
        });
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> responses) {
        answer(responses, () -> {
            OpenInferenceModels.ModelMetadata model = OpenInferenceModels.describe(registry.get(request.getName()),
                    request.getVersion());
            ModelMetadataResponse.Builder answer = ModelMetadataResponse.newBuilder().setName(model.name())
                    .addAllVersions(model.versions()).setPlatform(model.platform());
            model.inputs().forEach(tensor -> answer.addInputs(tensor(tensor)));
            model.outputs().forEach(tensor -> answer.addOutputs(tensor(tensor)));
            return answer.build();
        });
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> responses) {
        DetectionCall call;
        try {
            Context context = Context.current();
            call = detections.admit(request.getModelName(), "grpc", request.getSerializedSize(),
                    new RequestTerms(deadline(), GrpcPriority.CLASS.get(context), context::isCancelled));
        } catch (RuntimeException refused) {
            responses.onError(GrpcFailures.of(refused));
            return;
        }
        RuntimeException failed = null;
        ModelInferResponse answered = null;
        try {
            ServedModel model = call.model();
            DetectorMetadata metadata = OpenInferenceModels.metadata(model, request.getModelVersion());
            ByteArrayOutputStream binary = new ByteArrayOutputStream();
            InferenceRequest parsed = parse(request, binary);
            ImageTensors.Images images = ImageTensors.read(parsed, ByteBuffer.wrap(binary.toByteArray()), limits);
            List<DetectionTensors.Requested> outputs = DetectionTensors.select(parsed);
            var options = OpenInferenceModels.options(parsed.parameters());
            OpenInferenceModels.deadline(parsed.parameters()).ifPresent(call::within);
            List<Detected> answers = images.encoded() != null ? detections.detect(call, images.encoded(), options)
                    : detections.detectPixels(call, images.pixels(), options);
            Map<String, DetectionTensors.Tensor> tensors = DetectionTensors.of(answers);
            ModelInferResponse.Builder answer = ModelInferResponse.newBuilder().setModelName(model.name())
                    .setModelVersion(OpenInferenceModels.version(metadata)).setId(request.getId());
            model.warning().ifPresent(warning -> answer
                    .putParameters("warning", InferParameter.newBuilder().setStringParam(warning).build())
                    .putParameters("precision", InferParameter.newBuilder().setStringParam(model.precision().label()).build()));
            for (DetectionTensors.Requested output : outputs) {
                DetectionTensors.Tensor tensor = tensors.get(output.name());
                answer.addOutputs(ModelInferResponse.InferOutputTensor.newBuilder().setName(tensor.name())
                        .setDatatype(tensor.datatype()).addAllShape(tensor.shape()));
                answer.addRawOutputContents(ByteString.copyFrom(tensor.binary()));
            }
            answered = answer.build();
        } catch (RuntimeException e) {
            failed = e;
            if (!(e instanceof ServiceFailure)) {
                log.error("unexpected failure of a gRPC inference", e);
            }
        } finally {
            // the place is given back before the answer leaves: a client's next call never finds it still taken
            call.finish(failed);
        }
        if (failed != null) {
            responses.onError(GrpcFailures.of(failed));
        } else {
            responses.onNext(answered);
            responses.onCompleted();
        }
    }

    /** The client's deadline, if it set one. */
    private static Instant deadline() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? null : Instant.now().plusNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS));
    }

    /**
     * The request as REST's parser reads it: each input's data (raw, or its typed contents) becomes
     * binary data after the header, in order, so that one reader checks both transports.
     */
    private static InferenceRequest parse(ModelInferRequest request, ByteArrayOutputStream binary) {
        int raw = request.getRawInputContentsCount();
        if (raw > 0 && raw != request.getInputsCount()) {
            throw ServiceFailure.invalid("raw_input_contents has " + raw + " entries for " + request.getInputsCount()
                    + " inputs");
        }
        List<InferenceRequest.Input> inputs = new ArrayList<>();
        for (int i = 0; i < request.getInputsCount(); i++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(i);
            byte[] data = raw > 0 ? request.getRawInputContents(i).toByteArray() : contents(input);
            Map<String, Object> parameters = parameters(input.getParametersMap());
            parameters.put("binary_data_size", data.length);
            inputs.add(new InferenceRequest.Input(input.getName(), input.getShapeList(), input.getDatatype(), parameters,
                    null));
            binary.writeBytes(data);
        }
        List<InferenceRequest.Output> outputs = request.getOutputsList().stream()
                .map(output -> new InferenceRequest.Output(output.getName(), parameters(output.getParametersMap())))
                .toList();
        return new InferenceRequest(request.getId(), parameters(request.getParametersMap()), inputs, outputs);
    }

    /** Typed contents as binary data: a BYTES element length-prefixed, a UINT8 value one byte. */
    private static byte[] contents(ModelInferRequest.InferInputTensor input) {
        InferTensorContents contents = input.getContents();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (input.getDatatype().equals("BYTES")) {
            for (ByteString element : contents.getBytesContentsList()) {
                bytes.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(element.size()).array());
                bytes.writeBytes(element.toByteArray());
            }
        } else if (input.getDatatype().equals("UINT8")) {
            for (int value : contents.getUintContentsList()) {
                if (value < 0 || value > 255) {
                    throw ServiceFailure.invalid("contents.uint_contents must hold values from 0 to 255; found " + value);
                }
                bytes.write(value);
            }
        }
        return bytes.toByteArray();
    }

    private static Map<String, Object> parameters(Map<String, InferParameter> parameters) {
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> values.put(name, switch (parameter.getParameterChoiceCase()) {
            case BOOL_PARAM -> parameter.getBoolParam();
            case INT64_PARAM -> parameter.getInt64Param();
            case STRING_PARAM -> parameter.getStringParam();
            case DOUBLE_PARAM -> parameter.getDoubleParam();
            case UINT64_PARAM -> parameter.getUint64Param();
            case PARAMETERCHOICE_NOT_SET -> "";
        }));
        return values;
    }

    private static ModelMetadataResponse.TensorMetadata tensor(OpenInferenceModels.TensorMetadata tensor) {
        return ModelMetadataResponse.TensorMetadata.newBuilder().setName(tensor.name()).setDatatype(tensor.datatype())
                .addAllShape(tensor.shape()).build();
    }

    private static <T> void answer(StreamObserver<T> responses, Supplier<T> answer) {
        try {
            responses.onNext(answer.get());
            responses.onCompleted();
        } catch (RuntimeException e) {
            if (!(e instanceof ServiceFailure)) {
                log.error("unexpected failure of a gRPC call", e);
            }
            responses.onError(GrpcFailures.of(e));
        }
    }
}
