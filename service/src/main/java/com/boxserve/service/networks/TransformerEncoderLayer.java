package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code torch.nn.TransformerEncoder} of {@code numLayers} {@code TransformerEncoderLayer}s with
 * {@code batch_first=True} on a sample of [sequence length, dModel], optionally after a learned or
 * sinusoidal position encoding, and optionally masking the padding tokens of the embedding that
 * reads the network's input ({@code src_key_padding_mask}). {@code output} reads the whole sequence,
 * its first step ({@code x[:, 0]}, where a classification token stands) or the mean over its steps
 * ({@code x.mean(dim=1)}, padding included), which is what a linear layer after it needs.
 */
record TransformerEncoderLayer(LayerArguments source, int dModel, int nhead, int dimFeedforward, int numLayers,
        double dropout, boolean gelu, boolean normFirst, double layerNormEps, boolean paddingMask, String positionEncoding,
        String output) implements Layer {

    TransformerEncoderLayer(LayerArguments source) {
        this(source, source.positive("dModel", 0), source.positive("nhead"), source.positive("dimFeedforward", 2048),
                source.positive("numLayers", 1), source.number("dropout", 0.1, 0, 1),
                source.choice("activation", "relu", "relu", "gelu").equals("gelu"), source.flag("normFirst", false),
                source.number("layerNormEps", 1e-5, 1e-12, 1), source.flag("paddingMask", false),
                source.choice("positionEncoding", "none", "none", "learned", "sinusoidal"),
                source.choice("output", "sequence", "sequence", "first", "mean"));
    }

    @Override
    public Shape outputShape(Shape input) {
        Shapes.requireRank(source, input, 2, "[sequence length, dModel]");
        long width = input.get(1);
        Shapes.requireSize(source, input, 1, dModel, "features (dModel)");
        if (width % nhead != 0) {
            throw source.invalid("dModel " + width + " must divide into nhead " + nhead + " heads");
        }
        return output.equals("sequence") ? input : new Shape(width);
    }

    /** Per layer: the scores, softmax and its dropout per head (3·heads·L²), and the projections, feed-forward and norms. */
    @Override
    public long activations(Shape input) {
        long length = input.get(0);
        long width = input.get(1);
        return numLayers * (3L * nhead * length * length + length * (2L * dimFeedforward + 8 * width))
                + outputShape(input).size();
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        return new TransformerEncoderBlock(this, input, init);
    }

    @Override
    public String describe(Shape input) {
        String layer = "TransformerEncoderLayer(d_model=" + input.get(1) + ", nhead=" + nhead + ", dim_feedforward="
                + dimFeedforward + ", dropout=" + PythonRepr.number(dropout) + ", activation=" + (gelu ? "gelu" : "relu")
                + ", layer_norm_eps=" + PythonRepr.number(layerNormEps) + ", batch_first=True, norm_first="
                + PythonRepr.bool(normFirst) + ")";
        String text = "TransformerEncoder(" + layer + ", num_layers=" + numLayers + ")";
        String read = switch (output) {
            case "first" -> ", then its first step";
            case "mean" -> ", then the mean over its steps";
            default -> "";
        };
        return (positionEncoding.equals("none") ? text : text + " after a " + positionEncoding + " position encoding")
                + read;
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("dModel", input.get(1));
        arguments.put("nhead", nhead);
        arguments.put("dimFeedforward", dimFeedforward);
        arguments.put("numLayers", numLayers);
        arguments.put("dropout", dropout);
        arguments.put("activation", gelu ? "gelu" : "relu");
        arguments.put("normFirst", normFirst);
        arguments.put("layerNormEps", layerNormEps);
        arguments.put("paddingMask", paddingMask);
        arguments.put("positionEncoding", positionEncoding);
        arguments.put("output", output);
        return arguments;
    }

    /** {@code named_parameters()} of the encoder: the learned position first (its own), then each layer's. */
    @Override
    public Map<String, Shape> parameters(Shape input) {
        long length = input.get(0);
        long width = input.get(1);
        Map<String, Shape> parameters = new LinkedHashMap<>();
        if (positionEncoding.equals("learned")) {
            parameters.put("position", new Shape(length, width));
        }
        for (int k = 0; k < numLayers; k++) {
            String prefix = "layers." + k + ".";
            parameters.put(prefix + "self_attn.in_proj_weight", new Shape(3 * width, width));
            parameters.put(prefix + "self_attn.in_proj_bias", new Shape(3 * width));
            parameters.put(prefix + "self_attn.out_proj.weight", new Shape(width, width));
            parameters.put(prefix + "self_attn.out_proj.bias", new Shape(width));
            parameters.put(prefix + "linear1.weight", new Shape(dimFeedforward, width));
            parameters.put(prefix + "linear1.bias", new Shape(dimFeedforward));
            parameters.put(prefix + "linear2.weight", new Shape(width, dimFeedforward));
            parameters.put(prefix + "linear2.bias", new Shape(width));
            parameters.put(prefix + "norm1.weight", new Shape(width));
            parameters.put(prefix + "norm1.bias", new Shape(width));
            parameters.put(prefix + "norm2.weight", new Shape(width));
            parameters.put(prefix + "norm2.bias", new Shape(width));
        }
        return parameters;
    }

    /** The sinusoidal encoding is state that is not learned: a buffer, as the PyTorch tutorial registers it. */
    @Override
    public Map<String, Shape> buffers(Shape input) {
        return positionEncoding.equals("sinusoidal") ? Map.of("position", input) : Map.of();
    }
}
