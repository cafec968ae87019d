package com.boxserve.service.networks;

import java.util.List;
import java.util.Map;

/**
 * What {@code print(model)} and {@code named_parameters()} tell of a PyTorch model: each layer
 * with its arguments and one sample's output shape, its parameters under PyTorch's names and
 * shapes, and the totals.
 *
 * @param module the text {@code print(model)} gives for the PyTorch namesake
 */
public record ModuleTable(String module, long[] inputShape, List<Row> layers, Totals parameterCount) {

    public record Row(int index, String kind, String module, Map<String, Object> arguments, long[] outputShape,
            List<Tensor> parameters, List<Tensor> buffers) {
    }

    public record Tensor(String name, long[] shape, long count, boolean trainable) {
    }

    public record Totals(long total, long trainable, long frozen) {
    }
}
