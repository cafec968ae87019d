package com.boxserve.service.networks;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code torch.nn.TransformerEncoderLayer} computes in training (torch 1.13's slow path, the
 * one training takes), built from Linear, LayerNorm and attention arithmetic: DJL's own
 * Transformer blocks follow BERT and name and order their weights differently. Self-attention is
 * {@code F.multi_head_attention_forward}'s: one packed input projection, q scaled by 1/√head_dim,
 * the padding mask added as −∞ before the softmax, dropout on the weights, one output projection.
 */
final class TransformerEncoderBlock extends AbstractBlock {

    private final TransformerEncoderLayer layer;
    private final Map<String, Parameter> weights = new HashMap<>();
    private final SeededDropout attentionDropout;
    private final SeededDropout dropout;
    private Supplier<NDArray> tokens;
    private int paddingIdx;

    TransformerEncoderBlock(TransformerEncoderLayer layer, Shape input, TorchInit init) {
        this.layer = layer;
        this.attentionDropout = new SeededDropout(layer.dropout(), init.nextSeed());
        this.dropout = new SeededDropout(layer.dropout(), init.nextSeed());
        long width = input.get(1);
        layer.parameters(input).forEach((name, shape) -> weights.put(name, addParameter(Parameter.builder().setName(name)
                .setType(Parameter.Type.WEIGHT).optShape(shape).optInitializer(initializer(name, width, init)).build())));
        layer.buffers(input).forEach((name, shape) -> weights.put(name, addParameter(Parameter.builder().setName(name)
                .setType(Parameter.Type.OTHER).optShape(shape).optInitializer(sinusoid()).optRequiresGrad(false).build())));
    }

    /** Where the padding mask comes from: the token ids the network was given, and the embedding's padding id. */
    void readPaddingFrom(Supplier<NDArray> networkInput, int paddingIdx) {
        this.tokens = networkInput;
        this.paddingIdx = paddingIdx;
    }

    /** PyTorch's starts: xavier_uniform_ for the packed projection, zero attention biases, Linear's for the rest. */
    private Initializer initializer(String name, long width, TorchInit init) {
        if (name.equals("position")) {
            return init.embedding(-1);
        }
        if (name.endsWith("in_proj_weight")) {
            return init.uniformBound(Math.sqrt(6.0 / (width + 3 * width)));
        }
        if (name.endsWith("in_proj_bias") || name.endsWith("out_proj.bias") || name.matches(".*norm\\d\\.bias")) {
            return Initializer.ZEROS;
        }
        if (name.matches(".*norm\\d\\.weight")) {
            return Initializer.ONES;
        }
        return init.uniform(name.contains("linear2") ? layer.dimFeedforward() : width);
    }

    /** The encoding of "Attention is all you need": sin at even features, cos at odd, wavelengths up to 10000·2π. */
    private static Initializer sinusoid() {
        return (manager, shape, dataType) -> {
            int length = Math.toIntExact(shape.get(0));
            int width = Math.toIntExact(shape.get(1));
            float[] values = new float[length * width];
            for (int position = 0; position < length; position++) {
                for (int i = 0; i < width; i += 2) {
                    double angle = position * Math.exp(i * -Math.log(10000.0) / width);
                    values[position * width + i] = (float) Math.sin(angle);
                    if (i + 1 < width) {
                        values[position * width + i + 1] = (float) Math.cos(angle);
                    }
                }
            }
            return manager.create(values, shape);
        };
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        if (!layer.positionEncoding().equals("none")) {
            x = x.add(store.getValue(weights.get("position"), device, training));
        }
        NDArray mask = layer.paddingMask() ? mask(x) : null;
        for (int k = 0; k < layer.numLayers(); k++) {
            String prefix = "layers." + k + ".";
            if (layer.normFirst()) {
                x = x.add(attention(norm(x, prefix + "norm1", store, training), mask, prefix, store, training));
                x = x.add(feedForward(norm(x, prefix + "norm2", store, training), prefix, store, training));
            } else {
                x = norm(x.add(attention(x, mask, prefix, store, training)), prefix + "norm1", store, training);
                x = norm(x.add(feedForward(x, prefix, store, training)), prefix + "norm2", store, training);
            }
        }
        return new NDList(switch (layer.output()) {
            case "first" -> x.get(new NDIndex(":, 0, :"));
            case "mean" -> x.mean(new int[] {1});
            default -> x;
        });
    }

    /** 0 where a key is a token, −∞ where it is padding, per batch and head: [batch·heads, 1, length]. */
    private NDArray mask(NDArray x) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        NDArray padding = tokens.get().toType(DataType.INT64, false).eq(paddingIdx);
        NDArray blocked = x.getManager().full(padding.getShape(), Float.NEGATIVE_INFINITY);
        NDArray open = x.getManager().zeros(padding.getShape());
        return NDArrays.where(padding, blocked, open).reshape(batch, 1, 1, length)
                .broadcast(new Shape(batch, layer.nhead(), 1, length)).reshape(batch * layer.nhead(), 1, length);
    }

    private NDArray attention(NDArray x, NDArray mask, String prefix, ParameterStore store, boolean training) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        long width = x.getShape().get(2);
        int heads = layer.nhead();
        long headWidth = width / heads;
        NDList qkv = Linear.linear(x, value(prefix + "self_attn.in_proj_weight", x, store, training),
                value(prefix + "self_attn.in_proj_bias", x, store, training)).head().split(3, 2);
        NDArray q = heads(qkv.get(0), batch, length, heads, headWidth).div(Scalars.of(x, Math.sqrt(headWidth)));
        NDArray k = heads(qkv.get(1), batch, length, heads, headWidth);
        NDArray v = heads(qkv.get(2), batch, length, heads, headWidth);
        NDArray scores = q.matMul(k.transpose(0, 2, 1));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray weightsOfAttention = attentionDropout.apply(scores.softmax(-1), training);
        NDArray attended = weightsOfAttention.matMul(v).reshape(batch, heads, length, headWidth).transpose(0, 2, 1, 3)
                .reshape(batch, length, width);
        NDArray out = Linear.linear(attended, value(prefix + "self_attn.out_proj.weight", x, store, training),
                value(prefix + "self_attn.out_proj.bias", x, store, training)).head();
        return dropout.apply(out, training);
    }

    /** [batch, length, width] to [batch·heads, length, headWidth], batch-major as torch's view of [length, batch·heads]. */
    private static NDArray heads(NDArray projection, long batch, long length, int heads, long headWidth) {
        return projection.reshape(batch, length, heads, headWidth).transpose(0, 2, 1, 3).reshape(batch * heads, length,
                headWidth);
    }

    private NDArray feedForward(NDArray x, String prefix, ParameterStore store, boolean training) {
        NDArray hidden = Linear.linear(x, value(prefix + "linear1.weight", x, store, training),
                value(prefix + "linear1.bias", x, store, training)).head();
        hidden = dropout.apply(layer.gelu() ? Activation.gelu(hidden) : Activation.relu(hidden), training);
        NDArray out = Linear.linear(hidden, value(prefix + "linear2.weight", x, store, training),
                value(prefix + "linear2.bias", x, store, training)).head();
        return dropout.apply(out, training);
    }

    private NDArray norm(NDArray x, String name, ParameterStore store, boolean training) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().get(2)), value(name + ".weight", x, store, training),
                value(name + ".bias", x, store, training), (float) layer.layerNormEps()).head();
    }

    private NDArray value(String name, NDArray like, ParameterStore store, boolean training) {
        return store.getValue(weights.get(name), like.getDevice(), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Shapes.batched(inputShapes, layer::outputShape);
    }
}
