package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.nn.Embedding(numEmbeddings, embeddingDim, padding_idx)}: each token id of a sample
 * [L] becomes its row of the weight, [L, embeddingDim]. It reads the token ids, so it comes first.
 */
record EmbeddingLayer(LayerArguments source, int numEmbeddings, int embeddingDim, int paddingIdx) implements Layer {

    EmbeddingLayer(LayerArguments source) {
        this(source, source.positive("numEmbeddings"), source.positive("embeddingDim"), source.integer("paddingIdx", -1));
    }

    @Override
    public Shape outputShape(Shape input) {
        if (source.index() != 0) {
            throw source.invalid("must be the first layer: its input is the samples' token ids");
        }
        Shapes.requireRank(source, input, 1, "[sequence length] of token ids");
        // given negative, torch would count it from the end; here a padding id is the id itself
        if ((source.has("paddingIdx") && paddingIdx < 0) || paddingIdx >= numEmbeddings) {
            throw source.invalid("paddingIdx " + paddingIdx + " is not a token id from 0 to " + (numEmbeddings - 1));
        }
        return input.add(embeddingDim);
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        return new EmbeddingBlock(numEmbeddings, embeddingDim, paddingIdx, init.embedding(paddingIdx));
    }

    @Override
    public String describe(Shape input) {
        return "Embedding(" + numEmbeddings + ", " + embeddingDim + (paddingIdx >= 0 ? ", padding_idx=" + paddingIdx : "")
                + ")";
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("numEmbeddings", numEmbeddings);
        arguments.put("embeddingDim", embeddingDim);
        if (paddingIdx >= 0) {
            arguments.put("paddingIdx", paddingIdx);
        }
        return arguments;
    }

    @Override
    public Map<String, Shape> parameters(Shape input) {
        return Map.of("weight", new Shape(numEmbeddings, embeddingDim));
    }

    /** The message for the first value of {@code values} that is not a token id, or null when all are. */
    String badToken(float[] values) {
        for (int i = 0; i < values.length; i++) {
            float value = values[i];
            if (value != Math.rint(value) || value < 0 || value >= numEmbeddings) {
                return "value " + i + " (" + value + ") is not a token id from 0 to " + (numEmbeddings - 1);
            }
        }
        return null;
    }
}
