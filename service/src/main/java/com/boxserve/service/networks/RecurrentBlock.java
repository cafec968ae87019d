package com.boxserve.service.networks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RNN, LSTM and GRU step by step, with the cell arithmetic of ATen's native CPU implementation
 * (torch 1.13's RNN.cpp: the input projection of the whole sequence first, then per step
 * {@code linear_hh(h) + projection}, gates in PyTorch's order), on weights named and ordered as
 * PyTorch's. Not ATen's fused op through DJL: libtorch 2.x runs it on oneDNN, whose rounding
 * differs from torch's own cells by more than parity allows, and DJL's recurrent blocks hand ATen
 * a bidirectional layer's weights in an order it does not read.
 */
final class RecurrentBlock extends AbstractBlock {

    private final RecurrentLayer layer;
    private final Map<String, Parameter> weights = new LinkedHashMap<>();
    private final SeededDropout dropout;

    RecurrentBlock(RecurrentLayer layer, Map<String, Shape> parameters, Initializer initializer, long seed) {
        this.layer = layer;
        this.dropout = new SeededDropout(layer.dropout(), seed);
        parameters.forEach((name, shape) -> weights.put(name, addParameter(Parameter.builder().setName(name)
                .setType(name.startsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT).optShape(shape)
                .optInitializer(initializer).build())));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray sequence = inputs.singletonOrThrow();
        for (int k = 0; k < layer.numLayers(); k++) {
            if (k > 0) {
                sequence = dropout.apply(sequence, training);
            }
            NDList directions = new NDList();
            for (int direction = 0; direction < layer.directions(); direction++) {
                String suffix = "_l" + k + (direction == 1 ? "_reverse" : "");
                directions.add(run(sequence, suffix, direction == 1, store, training));
            }
            sequence = directions.size() == 1 ? directions.head() : NDArrays.concat(directions, 2);
        }
        return new NDList(layer.lastStep() ? sequence.get(new NDIndex(":, -1, :")) : sequence);
    }

    /** One layer in one direction over [batch, time, features]: the hidden state of every step, in time order. */
    private NDArray run(NDArray sequence, String suffix, boolean reverse, ParameterStore store, boolean training) {
        Device device = sequence.getDevice();
        NDArray weightIh = store.getValue(weights.get("weight_ih" + suffix), device, training);
        NDArray weightHh = store.getValue(weights.get("weight_hh" + suffix), device, training);
        NDArray biasIh = layer.bias() ? store.getValue(weights.get("bias_ih" + suffix), device, training) : null;
        NDArray biasHh = layer.bias() ? store.getValue(weights.get("bias_hh" + suffix), device, training) : null;
        NDArray projected = Linear.linear(sequence, weightIh, biasIh).head();
        long steps = sequence.getShape().get(1);
        NDArray hidden = sequence.getManager().zeros(new Shape(sequence.getShape().get(0), layer.hiddenSize()));
        NDArray cell = hidden;
        List<NDArray> outputs = new ArrayList<>();
        for (long i = 0; i < steps; i++) {
            long t = reverse ? steps - 1 - i : i;
            NDArray input = projected.get(new NDIndex(":, {}, :", t));
            NDArray recurrent = Linear.linear(hidden, weightHh, biasHh).head();
            switch (layer.source().kind()) {
                case LSTM -> {
                    NDList gates = recurrent.add(input).split(4, 1);
                    NDArray in = gates.get(0).getNDArrayInternal().sigmoid();
                    NDArray forget = gates.get(1).getNDArrayInternal().sigmoid();
                    NDArray candidate = gates.get(2).tanh();
                    NDArray out = gates.get(3).getNDArrayInternal().sigmoid();
                    cell = forget.mul(cell).add(in.mul(candidate));
                    hidden = out.mul(cell.tanh());
                }
                case GRU -> {
                    NDList inputGates = input.split(3, 1);
                    NDList hiddenGates = recurrent.split(3, 1);
                    NDArray reset = hiddenGates.get(0).add(inputGates.get(0)).getNDArrayInternal().sigmoid();
                    NDArray update = hiddenGates.get(1).add(inputGates.get(1)).getNDArrayInternal().sigmoid();
                    NDArray candidate = inputGates.get(2).add(hiddenGates.get(2).mul(reset)).tanh();
                    hidden = hidden.sub(candidate).mul(update).add(candidate);
                }
                default -> {
                    NDArray sum = recurrent.add(input);
                    hidden = layer.relu() ? sum.getNDArrayInternal().relu() : sum.tanh();
                }
            }
            outputs.add(hidden);
        }
        if (reverse) {
            Collections.reverse(outputs);
        }
        return NDArrays.stack(new NDList(outputs), 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Shapes.batched(inputShapes, layer::outputShape);
    }
}
