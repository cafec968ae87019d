package com.boxserve.service.models;

import java.time.Duration;

/**
 * The body of {@code PUT /v1/models/{name}}: the settings to change, each optional (absent: as
 * configured). Unknown fields are refused with their name (the service's JSON reading fails on
 * them), and the values, merged over the configuration, are checked by {@link ModelSettingsRules},
 * the rules the start-up configuration is checked by, before anything is loaded.
 *
 * @param engine {@code pytorch} or {@code onnxruntime}
 * @param device {@code cpu} or {@code gpuN}, one this machine has
 * @param workers 1 to two per core
 * @param queueCapacity 1 to 1000
 * @param batchSize 1 to 64 (above 1: dynamic batching, PyTorch only)
 * @param batchWait 0 to 1s, an ISO-8601 duration such as {@code "PT0.05S"}
 * @param deadline a request's deadline when it gives none, 1 ms to 24 h
 * @param maxQueueDelay the longest a request waits for a worker before it is shed, 1 ms to 1 h
 * @param queuePolicy {@code adaptive-lifo} or {@code fifo}
 * @param precision {@code fp32}, {@code int8} (the export's int8 model, on a CPU with VNNI) or {@code bf16} (its
 *     bf16 model, on a CPU with AVX-512 BF16 or AMX)
 */
public record ModelSettingsRequest(String engine, String device, Integer workers, Integer queueCapacity,
        Integer batchSize, Duration batchWait, Duration deadline, Duration maxQueueDelay, String queuePolicy,
        String precision) {

    static final ModelSettingsRequest NONE = new ModelSettingsRequest(null, null, null, null, null, null, null, null,
            null, null);

    ModelsProperties.ModelSettings settings() {
        return new ModelsProperties.ModelSettings(engine, device, workers, queueCapacity, batchSize, batchWait, deadline,
                maxQueueDelay, queuePolicy, precision);
    }
}
