package com.boxserve.service.openinference;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The protocol's {@code $inference_response}; {@code id} only where the request gave one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record InferenceResponse(@JsonProperty("model_name") String modelName,
        @JsonProperty("model_version") String modelVersion, String id, Map<String, Object> parameters,
        List<Output> outputs) {

    /** {@code $response_output}: {@code data} in JSON, or {@code parameters.binary_data_size} bytes after the header. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Output(String name, List<Long> shape, String datatype, Map<String, Object> parameters, Object data) {
    }
}
