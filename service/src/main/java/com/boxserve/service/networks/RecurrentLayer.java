package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.nn.RNN}, {@code LSTM} and {@code GRU} with {@code batch_first=True}, on a sample of
 * [sequence length, features]. PyTorch answers the whole sequence; a learner who puts a linear
 * after it wants the last step, which {@code output: "last"} selects ({@code output[:, -1]}).
 */
record RecurrentLayer(LayerArguments source, int gates, int inputSize, int hiddenSize, int numLayers,
        boolean bidirectional, double dropout, boolean relu, boolean bias, boolean lastStep) implements Layer {

    RecurrentLayer(LayerArguments source) {
        this(source, switch (source.kind()) {
            case LSTM -> 4;
            case GRU -> 3;
            default -> 1;
        }, source.positive("inputSize", 0), source.positive("hiddenSize"), source.positive("numLayers", 1),
                source.flag("bidirectional", false), source.number("dropout", 0, 0, 1),
                source.kind() == LayerKind.RNN && source.choice("nonlinearity", "tanh", "tanh", "relu").equals("relu"),
                source.flag("bias", true), source.choice("output", "sequence", "sequence", "last").equals("last"));
    }

    @Override
    public Shape outputShape(Shape input) {
        Shapes.requireRank(source, input, 2, "[sequence length, features]");
        Shapes.requireSize(source, input, 1, inputSize, "input features");
        long features = (long) directions() * hiddenSize;
        return lastStep ? new Shape(features) : new Shape(input.get(0), features);
    }

    /** Each step of each layer and direction keeps its gates, its state and its output. */
    @Override
    public long activations(Shape input) {
        return (long) numLayers * directions() * input.get(0) * (gates + 2) * hiddenSize + outputShape(input).size();
    }

    int directions() {
        return bidirectional ? 2 : 1;
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        return new RecurrentBlock(this, parameters(input), init.uniform(hiddenSize), init.nextSeed());
    }

    @Override
    public String describe(Shape input) {
        String name = switch (source.kind()) {
            case LSTM -> "LSTM";
            case GRU -> "GRU";
            default -> "RNN";
        };
        StringBuilder text = new StringBuilder(name + "(" + input.get(1) + ", " + hiddenSize);
        if (numLayers != 1) {
            text.append(", num_layers=").append(numLayers);
        }
        if (!bias) {
            text.append(", bias=False");
        }
        text.append(", batch_first=True");
        if (dropout != 0) {
            text.append(", dropout=").append(PythonRepr.number(dropout));
        }
        if (bidirectional) {
            text.append(", bidirectional=True");
        }
        return text.append(')').toString();
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("inputSize", input.get(1));
        arguments.put("hiddenSize", hiddenSize);
        arguments.put("numLayers", numLayers);
        arguments.put("bidirectional", bidirectional);
        arguments.put("dropout", dropout);
        if (source.kind() == LayerKind.RNN) {
            arguments.put("nonlinearity", relu ? "relu" : "tanh");
        }
        arguments.put("bias", bias);
        arguments.put("output", lastStep ? "last" : "sequence");
        return arguments;
    }

    /** PyTorch's flat weights, in its order: per layer, per direction, weight_ih, weight_hh, bias_ih, bias_hh. */
    @Override
    public Map<String, Shape> parameters(Shape input) {
        Map<String, Shape> parameters = new LinkedHashMap<>();
        long rows = (long) gates * hiddenSize;
        for (int layer = 0; layer < numLayers; layer++) {
            long in = layer == 0 ? input.get(1) : (long) directions() * hiddenSize;
            for (int direction = 0; direction < directions(); direction++) {
                String suffix = "_l" + layer + (direction == 1 ? "_reverse" : "");
                parameters.put("weight_ih" + suffix, new Shape(rows, in));
                parameters.put("weight_hh" + suffix, new Shape(rows, hiddenSize));
                if (bias) {
                    parameters.put("bias_ih" + suffix, new Shape(rows));
                    parameters.put("bias_hh" + suffix, new Shape(rows));
                }
            }
        }
        return parameters;
    }
}
