package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * ATen's embedding lookup on a weight named as PyTorch names it. DJL's call passes no padding
 * index, so the padding positions' outputs are multiplied by zero: the same values (that row is
 * zero and stays zero), and no gradient reaches the row, which is what padding_idx does.
 */
final class EmbeddingBlock extends AbstractBlock {

    private final int paddingIdx;
    private final Parameter weight;

    EmbeddingBlock(int numEmbeddings, int embeddingDim, int paddingIdx, Initializer initializer) {
        this.paddingIdx = paddingIdx;
        weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(numEmbeddings, embeddingDim)).optInitializer(initializer).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray tokens = inputs.singletonOrThrow().toType(DataType.INT64, false);
        NDArray table = store.getValue(weight, tokens.getDevice(), training);
        NDArray embedded = Embedding.embedding(tokens, table, SparseFormat.DENSE).singletonOrThrow();
        if (paddingIdx < 0) {
            return new NDList(embedded);
        }
        NDArray kept = tokens.neq(paddingIdx).toType(DataType.FLOAT32, false).expandDims(-1);
        return new NDList(embedded.mul(kept));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(weight.getShape().get(1))};
    }
}
