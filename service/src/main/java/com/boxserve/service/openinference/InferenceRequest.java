package com.boxserve.service.openinference;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The protocol's {@code $inference_request}: the JSON object of {@code POST .../infer}, or the
 * header before the binary tensor data when the binary extension is used.
 */
record InferenceRequest(String id, Map<String, Object> parameters, List<Input> inputs, List<Output> outputs) {

    /** {@code $request_input}: {@code data} in JSON, or {@code parameters.binary_data_size} bytes after the header. */
    record Input(String name, List<Long> shape, String datatype, Map<String, Object> parameters, JsonNode data) {
    }

    /** {@code $request_output}: an output to return, as JSON or ({@code binary_data}) as binary data. */
    record Output(String name, Map<String, Object> parameters) {
    }
}
