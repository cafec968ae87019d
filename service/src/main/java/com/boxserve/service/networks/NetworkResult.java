package com.boxserve.service.networks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code POST /v1/training/networks}: the module table, then (unless a dry run)
 * what training did, epoch by epoch, the predictions and the final parameters.
 *
 * @param parameters the final {@code named_parameters()} values: given when the network has at most
 *     1,000 parameters, or when the request traces
 * @param stoppedEarly why training stopped before its epochs (the time limit), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NetworkResult(String preset, @JsonUnwrapped ModuleTable network, String loss, OptimizerSettings optimizer,
        Integer epochs, Integer batchSize, Integer trainingSamples, Integer validationSamples, List<Epoch> history,
        Integer epochsDone, String stoppedEarly, Double durationMs, List<Object> predictions,
        List<Integer> predictedClasses, Map<String, Network.Values> parameters, Map<String, Network.Values> buffers,
        Trace trace) {

    /**
     * One epoch: the mean loss over its samples (each batch's loss, taken before its step, weighted
     * by the batch's size), and the held-out figures after it.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Epoch(int epoch, double loss, Double accuracy, Double validationLoss, Double validationAccuracy,
            double millis) {
    }

    /**
     * What a comparison with PyTorch needs: the start, the loss of every optimizer step's batch,
     * and, where the run shuffles, each epoch's order of the training samples, so that a replay
     * sees the same batches.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trace(Map<String, Network.Values> initialParameters, Map<String, Network.Values> initialBuffers,
            List<Float> stepLosses, List<int[]> epochOrders) {
    }

    static NetworkResult dryRun(String preset, ModuleTable network) {
        return new NetworkResult(preset, network, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }
}
