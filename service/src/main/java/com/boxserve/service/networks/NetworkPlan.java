package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.types.Shape;
import com.boxserve.service.training.TrainingProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The layers of a request checked against each other and against the input shape, before any
 * engine work: every layer's input and output shape and its parameters, and so the module table.
 * A layer that does not fit its input is a 400 naming it.
 */
record NetworkPlan(Shape inputShape, List<Step> steps) {

    /** One layer with the shape it receives and the shape it gives. */
    record Step(Layer layer, Shape input, Shape output) {
    }

    static NetworkPlan of(Shape inputShape, List<Map<String, Object>> layers, TrainingProperties limits) {
        if (layers == null || layers.isEmpty()) {
            throw ServiceFailure.invalid("layers is empty: give at least one layer");
        }
        if (layers.size() > limits.maxLayers()) {
            throw ServiceFailure.invalid(layers.size() + " layers; the limit is " + limits.maxLayers());
        }
        List<Step> steps = new ArrayList<>();
        Shape shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            Map<String, Object> values = layers.get(i);
            if (values == null) {
                throw ServiceFailure.invalid("layer " + i + " is null");
            }
            Layer layer = LayerKind.named(i, values.get("kind")).build(i, values);
            capSequences(layer, shape, limits);
            Shape output = layer.outputShape(shape);
            // bounded one by one, so that no sum or product of them can overflow a long
            bound(layer, "its output of one sample, " + output + ",", output, limits.maxActivations());
            for (Shape parameter : layer.parameters(shape).values()) {
                bound(layer, "its parameter " + parameter, parameter, limits.maxParameters());
            }
            if (layer instanceof TransformerEncoderLayer transformer && transformer.paddingMask()) {
                requireTokenPositions(layer, steps);
            }
            steps.add(new Step(layer, shape, output));
            shape = output;
        }
        return new NetworkPlan(inputShape, List.copyOf(steps));
    }

    /**
     * A padding mask reads the network's input tokens, so it needs them: an embedding with a
     * paddingIdx at layer 0, and between it and the Transformer only layers that keep the
     * sequence's positions where they were.
     */
    private static void requireTokenPositions(Layer transformer, List<Step> before) {
        boolean padded = !before.isEmpty() && before.get(0).layer() instanceof EmbeddingLayer embedding
                && embedding.paddingIdx() >= 0;
        if (!padded) {
            throw transformer.source().invalid("paddingMask reads the padding tokens of the network's input: layer 0 must"
                    + " be an embedding with a paddingIdx");
        }
        for (Step step : before.subList(1, before.size())) {
            Layer layer = step.layer();
            boolean keepsPositions = layer instanceof LinearLayer || layer instanceof LayerNormLayer
                    || layer instanceof ActivationLayer || layer instanceof DropoutLayer
                    || layer instanceof RecurrentLayer recurrent && !recurrent.lastStep()
                    || layer instanceof TransformerEncoderLayer encoder && encoder.output().equals("sequence");
            if (!keepsPositions || step.output().get(0) != before.get(0).input().get(0)) {
                throw transformer.source().invalid("paddingMask needs the positions of the input tokens, and layer "
                        + layer.source().index() + " (" + layer.source().kind().id() + ") does not keep them");
            }
        }
    }

    /** The caps on sequences, depths and vocabularies, named by their settings so that a request knows which it hit. */
    private static void capSequences(Layer layer, Shape input, TrainingProperties limits) {
        int depth = layer instanceof RecurrentLayer recurrent ? recurrent.numLayers()
                : layer instanceof TransformerEncoderLayer encoder ? encoder.numLayers() : 1;
        if (depth > limits.maxLayers()) {
            throw layer.source().invalid("numLayers " + depth + " is over the cap of " + limits.maxLayers()
                    + " (boxserve.training.max-layers)");
        }
        if (layer instanceof EmbeddingLayer embedding && embedding.numEmbeddings() > limits.maxVocabulary()) {
            throw layer.source().invalid("numEmbeddings " + embedding.numEmbeddings() + " is over the vocabulary cap of "
                    + limits.maxVocabulary() + " (boxserve.training.max-vocabulary)");
        }
        boolean sequential = layer instanceof EmbeddingLayer || layer instanceof RecurrentLayer
                || layer instanceof TransformerEncoderLayer;
        if (sequential && input.get(0) > limits.maxSequenceLength()) {
            throw layer.source().invalid("its sequences of " + input.get(0) + " steps are over the sequence-length cap of "
                    + limits.maxSequenceLength() + " (boxserve.training.max-sequence-length)");
        }
    }

    private static void bound(Layer layer, String what, Shape shape, long limit) {
        double size = 1;
        for (long dimension : shape.getShape()) {
            size *= dimension;
        }
        if (size > limit) {
            throw layer.source().invalid(what + " has " + String.format("%.3g", size) + " values; the limit is " + limit);
        }
    }

    /**
     * Token ids where the first layer is an embedding: every value a whole number below its
     * vocabulary, and, where a Transformer masks padding, no sample all padding: its attention would
     * have no key to attend to, and PyTorch's softmax over nothing but −∞ is NaN.
     */
    void checkTokens(float[] values, String name) {
        if (!(steps.get(0).layer() instanceof EmbeddingLayer embedding)) {
            return;
        }
        String bad = embedding.badToken(values);
        if (bad != null) {
            throw ServiceFailure.invalid(name + ": " + bad + " for layer 0 (embedding)");
        }
        boolean masked = steps.stream().anyMatch(s -> s.layer() instanceof TransformerEncoderLayer t && t.paddingMask());
        int length = Math.toIntExact(inputShape.get(0));
        for (int sample = 0; masked && sample < values.length / length; sample++) {
            boolean allPadding = true;
            for (int t = 0; t < length && allPadding; t++) {
                allPadding = values[sample * length + t] == embedding.paddingIdx();
            }
            if (allPadding) {
                throw ServiceFailure.invalid(name + "[" + sample + "] is all padding: with paddingMask, a "
                        + "Transformer's attention would have nothing to attend to");
            }
        }
    }

    Shape outputShape() {
        return steps.get(steps.size() - 1).output();
    }

    long parameterCount() {
        return steps.stream().mapToLong(s -> count(s.layer().parameters(s.input()))).sum();
    }

    long trainableCount() {
        return steps.stream().filter(s -> s.layer().source().trainable())
                .mapToLong(s -> count(s.layer().parameters(s.input()))).sum();
    }

    /** Values one sample holds across all layers' outputs: what a batch's forward keeps for its backward. */
    long activationsPerSample() {
        return steps.stream().mapToLong(s -> s.layer().activations(s.input())).sum();
    }

    /**
     * Batch normalisation in training needs more than one value per channel: PyTorch refuses a
     * batch that gives it one (a batch of one sample of [C]), so such a run is refused before it starts.
     */
    void requireStatistics(int smallestBatch) {
        for (Step step : steps) {
            if (step.layer() instanceof BatchNormLayer && smallestBatch * (step.input().size() / step.input().get(0)) == 1) {
                throw step.layer().source().invalid("a batch of " + smallestBatch + " gives one value per channel, "
                        + "which training cannot normalise: use a batchSize (and a sample count) that leaves at least "
                        + "2 samples in every batch");
            }
        }
    }

    /** The module table, like printing an {@code nn.Module}, with shapes and parameters. */
    ModuleTable table() {
        List<ModuleTable.Row> rows = new ArrayList<>();
        StringBuilder module = new StringBuilder("Sequential(\n");
        for (Step step : steps) {
            Layer layer = step.layer();
            int index = layer.source().index();
            boolean trainable = layer.source().trainable();
            List<ModuleTable.Tensor> parameters = new ArrayList<>();
            layer.parameters(step.input()).forEach((name, shape) -> parameters.add(
                    new ModuleTable.Tensor(index + "." + name, shape.getShape(), shape.size(), trainable)));
            List<ModuleTable.Tensor> buffers = new ArrayList<>();
            layer.buffers(step.input()).forEach((name, shape) -> buffers.add(
                    new ModuleTable.Tensor(index + "." + name, shape.getShape(), shape.size(), false)));
            String text = layer.describe(step.input());
            module.append("  (").append(index).append("): ").append(text).append('\n');
            rows.add(new ModuleTable.Row(index, layer.source().kind().id(), text, layer.arguments(step.input()),
                    step.output().getShape(), parameters, buffers));
        }
        long total = parameterCount();
        long trainable = trainableCount();
        return new ModuleTable(module.append(')').toString(), inputShape.getShape(), rows,
                new ModuleTable.Totals(total, trainable, total - trainable));
    }

    private static long count(Map<String, Shape> parameters) {
        return parameters.values().stream().mapToLong(Shape::size).sum();
    }
}
