package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A planned network made real on the engine: DJL blocks in a {@link SequentialBlock}, float32,
 * their parameters in the request's manager under PyTorch's names ({@code 0.weight}, {@code 1.running_mean}).
 */
final class Network {

    /** A parameter or buffer under its PyTorch name. */
    record Named(String name, Parameter parameter, boolean trainable) {
    }

    /** A tensor's values as JSON carries them: its shape and its values flat, row-major. */
    public record Values(long[] shape, float[] values) {
    }

    private final SequentialBlock block;
    private final ParameterStore store;
    private final List<Named> parameters;
    private final List<Named> buffers;
    private final AtomicReference<NDArray> input;

    private Network(SequentialBlock block, ParameterStore store, List<Named> parameters, List<Named> buffers,
            AtomicReference<NDArray> input) {
        this.input = input;
        this.block = block;
        this.store = store;
        this.parameters = parameters;
        this.buffers = buffers;
    }

    static Network build(NetworkPlan plan, long seed, NDManager manager) {
        TorchInit init = new TorchInit(seed);
        SequentialBlock sequential = new SequentialBlock();
        List<Block> blocks = new ArrayList<>();
        // the padding mask of a Transformer comes from the token ids the network is given
        AtomicReference<NDArray> input = new AtomicReference<>();
        for (NetworkPlan.Step step : plan.steps()) {
            Block layerBlock = step.layer().block(step.input(), init);
            if (layerBlock instanceof TransformerEncoderBlock transformer
                    && plan.steps().get(0).layer() instanceof EmbeddingLayer embedding) {
                transformer.readPaddingFrom(input::get, embedding.paddingIdx());
            }
            blocks.add(layerBlock);
            sequential.add(layerBlock);
        }
        sequential.initialize(manager, DataType.FLOAT32, Shapes.withBatch(1, plan.inputShape()));
        List<Named> parameters = new ArrayList<>();
        List<Named> buffers = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            NetworkPlan.Step step = plan.steps().get(i);
            boolean trainable = step.layer().source().trainable();
            Map<String, Shape> buffered = step.layer().buffers(step.input());
            Map<String, Shape> planned = new LinkedHashMap<>(step.layer().parameters(step.input()));
            planned.putAll(buffered);
            for (var entry : blocks.get(i).getParameters()) {
                Parameter parameter = entry.getValue();
                Shape shape = parameter.getArray().getShape();
                // the table is told before any engine work; the engine must agree with it
                if (!shape.equals(planned.remove(entry.getKey()))) {
                    throw new IllegalStateException("layer " + i + ": the engine made " + entry.getKey() + " " + shape
                            + " where the plan has " + step.layer().parameters(step.input()));
                }
                String name = i + "." + entry.getKey();
                if (buffered.containsKey(entry.getKey())) {
                    buffers.add(new Named(name, parameter, false));
                } else {
                    parameter.freeze(!trainable);
                    parameters.add(new Named(name, parameter, trainable));
                }
            }
            if (!planned.isEmpty()) {
                throw new IllegalStateException("layer " + i + ": the engine made no " + planned.keySet());
            }
        }
        return new Network(sequential, new ParameterStore(manager, false), List.copyOf(parameters), List.copyOf(buffers),
                input);
    }

    /** In training mode dropout drops and batch normalisation uses (and updates) the batch's statistics. */
    NDArray forward(NDArray batch, boolean training) {
        input.set(batch);
        return block.forward(store, new NDList(batch), training).singletonOrThrow();
    }

    List<Parameter> trainable() {
        return parameters.stream().filter(Named::trainable).map(Named::parameter).toList();
    }

    Map<String, Values> parameterValues() {
        return values(parameters);
    }

    Map<String, Values> bufferValues() {
        return values(buffers);
    }

    private static Map<String, Values> values(List<Named> named) {
        Map<String, Values> values = new LinkedHashMap<>();
        for (Named tensor : named) {
            NDArray array = tensor.parameter().getArray();
            values.put(tensor.name(), new Values(array.getShape().getShape(), array.toFloatArray()));
        }
        return values;
    }
}
