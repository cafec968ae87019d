package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The layer kinds a network may hold: each one's PyTorch namesake, arguments with their defaults,
 * shape rule and parameters, as {@code GET /v1/training/layers} lists them, and how it is built.
 */
enum LayerKind {

    LINEAR("linear", "torch.nn.Linear", "y = x·Wᵀ + b on the last dimension", "[..., in] → [..., outFeatures]",
            "weight [outFeatures, in], bias [outFeatures]", LinearLayer::new,
            optional("inFeatures", "integer", "from the input", "input features, checked against the input when given"),
            required("outFeatures", "integer", "output features"), flag("bias", "true", "learn an additive bias")),
    CONV1D("conv1d", "torch.nn.Conv1d", "a learned 1-D convolution", "[C, L] → [outChannels, L']" + Constants.SLIDE,
            "weight [outChannels, C/groups, k], bias [outChannels]", a -> new ConvLayer(a, 1), convArguments()),
    CONV2D("conv2d", "torch.nn.Conv2d", "a learned 2-D convolution", "[C, H, W] → [outChannels, H', W']" + Constants.SLIDE,
            "weight [outChannels, C/groups, kh, kw], bias [outChannels]", a -> new ConvLayer(a, 2), convArguments()),
    MAX_POOL1D("maxPool1d", "torch.nn.MaxPool1d", "the largest value of each window", "[C, L] → [C, L']" + Constants.POOL,
            "none", a -> PoolLayer.of(a, PoolLayer.Mode.MAX, 1), poolArguments()),
    MAX_POOL2D("maxPool2d", "torch.nn.MaxPool2d", "the largest value of each window", "[C, H, W] → [C, H', W']"
            + Constants.POOL, "none", a -> PoolLayer.of(a, PoolLayer.Mode.MAX, 2), poolArguments()),
    MIN_POOL1D("minPool1d", "-torch.nn.MaxPool1d(-x)", "the smallest value of each window: max pooling of the negation, "
            + "negated", "[C, L] → [C, L']" + Constants.POOL, "none", a -> PoolLayer.of(a, PoolLayer.Mode.MIN, 1),
            poolArguments()),
    MIN_POOL2D("minPool2d", "-torch.nn.MaxPool2d(-x)", "the smallest value of each window: max pooling of the negation, "
            + "negated", "[C, H, W] → [C, H', W']" + Constants.POOL, "none", a -> PoolLayer.of(a, PoolLayer.Mode.MIN, 2),
            poolArguments()),
    AVG_POOL1D("avgPool1d", "torch.nn.AvgPool1d", "the mean of each window (padding counted)", "[C, L] → [C, L']"
            + Constants.POOL, "none", a -> PoolLayer.of(a, PoolLayer.Mode.AVG, 1), poolArguments()),
    AVG_POOL2D("avgPool2d", "torch.nn.AvgPool2d", "the mean of each window (padding counted)", "[C, H, W] → [C, H', W']"
            + Constants.POOL, "none", a -> PoolLayer.of(a, PoolLayer.Mode.AVG, 2), poolArguments()),
    FLATTEN("flatten", "torch.nn.Flatten", "the dimensions from startDim on become one",
            "[d1, d2, ...] → [d1·d2·...] (startDim counts the batch as 0)", "none", FlattenLayer::new,
            optional("startDim", "integer", "1", "the first dimension to flatten, the batch being 0")),
    DROPOUT("dropout", "torch.nn.Dropout", "in training, zeroes each value with probability p and scales the rest by "
            + "1/(1-p); the identity in evaluation", "unchanged", "none", DropoutLayer::new,
            optional("p", "number", "0.5", "the probability of zeroing a value")),
    BATCH_NORM1D("batchNorm1d", "torch.nn.BatchNorm1d", "normalises each feature over the batch, then scales and shifts",
            "unchanged; [C] or [C, L]", "weight [C], bias [C]; buffers running_mean [C], running_var [C]",
            a -> new BatchNormLayer(a, 1), normArguments(true)),
    BATCH_NORM2D("batchNorm2d", "torch.nn.BatchNorm2d", "normalises each channel over the batch and the image",
            "unchanged; [C, H, W]", "weight [C], bias [C]; buffers running_mean [C], running_var [C]",
            a -> new BatchNormLayer(a, 2), normArguments(true)),
    LAYER_NORM("layerNorm", "torch.nn.LayerNorm", "normalises each sample over its last dimensions", "unchanged",
            "weight normalizedShape, bias normalizedShape", LayerNormLayer::new, normArguments(false)),
    EMBEDDING("embedding", "torch.nn.Embedding", "each token id becomes a learned vector; the first layer, reading "
            + "token ids", "[L] → [L, embeddingDim]", "weight [numEmbeddings, embeddingDim]", EmbeddingLayer::new,
            required("numEmbeddings", "integer", "the vocabulary: token ids run from 0 to numEmbeddings − 1"),
            required("embeddingDim", "integer", "the size of each token's vector"),
            optional("paddingIdx", "integer", "none", "the id of padding: its vector stays zero and learns nothing")),
    RNN("rnn", "torch.nn.RNN(batch_first=True)", "h_t = tanh(W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh)", Constants.RECURRENT,
            "weight_ih_l{k}[_reverse] [hidden, in], weight_hh_l{k} [hidden, hidden], bias_ih_l{k}, bias_hh_l{k} [hidden]",
            RecurrentLayer::new, recurrentArguments(true)),
    LSTM("lstm", "torch.nn.LSTM(batch_first=True)", "long short-term memory; gates in PyTorch's order i, f, g, o",
            Constants.RECURRENT, "weight_ih_l{k}[_reverse] [4·hidden, in], weight_hh_l{k} [4·hidden, hidden], bias_ih_l{k}, "
            + "bias_hh_l{k} [4·hidden]", RecurrentLayer::new, recurrentArguments(false)),
    GRU("gru", "torch.nn.GRU(batch_first=True)", "gated recurrent unit; gates in PyTorch's order r, z, n",
            Constants.RECURRENT, "weight_ih_l{k}[_reverse] [3·hidden, in], weight_hh_l{k} [3·hidden, hidden], bias_ih_l{k}, "
            + "bias_hh_l{k} [3·hidden]", RecurrentLayer::new, recurrentArguments(false)),
    TRANSFORMER_ENCODER("transformerEncoder", "torch.nn.TransformerEncoder(TransformerEncoderLayer(batch_first=True))",
            "self-attention and a feed-forward block, each with a residual and a layer norm (after, or before with "
            + "normFirst), numLayers times", "[L, dModel] → [L, dModel], or [dModel] with output first or mean", "position [L, dModel] when learned; per layer "
            + "k: layers.k.self_attn.in_proj_weight [3·dModel, dModel], in_proj_bias, out_proj.weight/bias, "
            + "linear1.weight [dimFeedforward, dModel], linear2.weight [dModel, dimFeedforward], norm1/norm2 weight and "
            + "bias; buffer position [L, dModel] when sinusoidal", TransformerEncoderLayer::new,
            optional("dModel", "integer", "from the input", "features per step, checked against the input when given"),
            required("nhead", "integer", "attention heads; they divide dModel"),
            optional("dimFeedforward", "integer", "2048", "the feed-forward block's hidden size"),
            optional("numLayers", "integer", "1", "stacked encoder layers"),
            optional("dropout", "number", "0.1", "dropout on the attention weights and after each block"),
            optional("activation", "string", "relu", "relu or gelu"),
            flag("normFirst", "false", "layer norm before each block (pre-norm) instead of after"),
            optional("layerNormEps", "number", "1e-5", "the layer norms' eps"),
            flag("paddingMask", "false", "mask the keys that are padding in the input tokens (src_key_padding_mask); "
                    + "needs an embedding with a paddingIdx as layer 0"),
            optional("positionEncoding", "string", "none", "none, learned (a parameter per position) or sinusoidal"),
            optional("output", "string", "sequence", "sequence: every step; first: x[:, 0]; mean: x.mean(dim=1), padding "
                    + "included; the last two give [dModel] for a linear after it")),
    RELU("relu", "torch.nn.ReLU", "max(x, 0)", "unchanged", "none", ActivationLayer::new),
    TANH("tanh", "torch.nn.Tanh", "tanh(x)", "unchanged", "none", ActivationLayer::new),
    SIGMOID("sigmoid", "torch.nn.Sigmoid", "1 / (1 + e^-x)", "unchanged", "none", ActivationLayer::new),
    GELU("gelu", "torch.nn.GELU", "x·Φ(x), the exact (erf) form", "unchanged", "none", ActivationLayer::new),
    SOFTMAX("softmax", "torch.nn.Softmax", "e^x / Σ e^x along dim", "unchanged", "none", ActivationLayer::new,
            optional("dim", "integer", "-1", "the dimension that sums to 1, the batch being 0"));

    /** An argument as the layer list shows it; a null default means it is required. */
    record Argument(String name, String type, String defaultValue, String description) {
    }

    /** A kind as {@code GET /v1/training/layers} lists it. */
    record Description(String kind, String pytorch, String description, String shape, String parameters,
            List<Argument> arguments) {
    }

    private final String id;
    private final String pytorch;
    private final String description;
    private final String shapeRule;
    private final String parameters;
    private final Function<LayerArguments, Layer> factory;
    private final List<Argument> arguments;

    LayerKind(String id, String pytorch, String description, String shapeRule, String parameters,
            Function<LayerArguments, Layer> factory, Argument... arguments) {
        this.id = id;
        this.pytorch = pytorch;
        this.description = description;
        this.shapeRule = shapeRule;
        this.parameters = parameters;
        this.factory = factory;
        List<Argument> all = new ArrayList<>(Arrays.asList(arguments));
        if (!parameters.equals("none")) {
            all.add(Constants.TRAINABLE);
        }
        this.arguments = List.copyOf(all);
    }

    String id() {
        return id;
    }

    List<String> argumentNames() {
        return arguments.stream().map(Argument::name).toList();
    }

    /** The kind a request names, or a 400 listing the kinds. */
    static LayerKind named(int index, Object name) {
        for (LayerKind kind : values()) {
            if (kind.id.equals(name)) {
                return kind;
            }
        }
        throw ServiceFailure.invalid("layer " + index + ": unknown kind "
                + (name == null ? "(none given)" : "'" + name + "'") + "; the kinds are "
                + Arrays.stream(values()).map(LayerKind::id).toList());
    }

    Layer build(int index, Map<String, Object> values) {
        return factory.apply(new LayerArguments(index, this, values));
    }

    /** This kind as the layer list shows it. */
    Description describe() {
        return new Description(id, pytorch, description, shapeRule, parameters, arguments);
    }

    private static Argument required(String name, String type, String description) {
        return new Argument(name, type, null, description);
    }

    private static Argument optional(String name, String type, String defaultValue, String description) {
        return new Argument(name, type, defaultValue, description);
    }

    private static Argument flag(String name, String defaultValue, String description) {
        return new Argument(name, "boolean", defaultValue, description);
    }

    private static Argument[] convArguments() {
        return new Argument[] {optional("inChannels", "integer", "from the input",
                "input channels, checked against the input when given"),
            required("outChannels", "integer", "output channels"),
            required("kernelSize", "integer or list", "the window, one size or one per dimension"),
            optional("stride", "integer or list", "1", "the step between windows"),
            optional("padding", "integer or list", "0", "zeros added on each side"),
            optional("dilation", "integer or list", "1", "the spacing between a window's taps"),
            optional("groups", "integer", "1", "input and output channels split into this many independent groups"),
            flag("bias", "true", "learn an additive bias per output channel")};
    }

    private static Argument[] poolArguments() {
        return new Argument[] {required("kernelSize", "integer or list", "the window, one size or one per dimension"),
            optional("stride", "integer or list", "kernelSize", "the step between windows"),
            optional("padding", "integer or list", "0", "padding on each side, at most half the kernel")};
    }

    private static Argument[] normArguments(boolean batch) {
        Argument eps = optional("eps", "number", "1e-5", "added to the variance before its square root");
        return batch ? new Argument[] {eps, optional("momentum", "number", "0.1",
                "the weight of each batch in the running statistics (PyTorch's convention)")}
                : new Argument[] {optional("normalizedShape", "list", "[last dimension]",
                        "the trailing dimensions to normalise over"), eps};
    }

    private static Argument[] recurrentArguments(boolean plain) {
        List<Argument> arguments = new ArrayList<>(List.of(
                optional("inputSize", "integer", "from the input", "input features, checked against the input when given"),
                required("hiddenSize", "integer", "the hidden state's size"),
                optional("numLayers", "integer", "1", "stacked recurrent layers"),
                optional("bidirectional", "boolean", "false", "also run the sequence backwards, doubling the features"),
                optional("dropout", "number", "0", "dropout between stacked layers")));
        if (plain) {
            arguments.add(optional("nonlinearity", "string", "tanh", "tanh or relu"));
        }
        arguments.add(flag("bias", "true", "learn the biases"));
        arguments.add(optional("output", "string", "sequence", "sequence: every step's output; last: the last step's "
                + "(output[:, -1]), for a linear layer after it"));
        return arguments.toArray(Argument[]::new);
    }

    /** Text shared by several shape rules; an enum's constants cannot refer to its own static fields. */
    private static final class Constants {
        static final String RECURRENT = "[L, in] → [L, directions·hiddenSize], or [directions·hiddenSize] with output last";
        static final String SLIDE = ", each side' = floor((side + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1";
        static final Argument TRAINABLE = new Argument("trainable", "boolean", "true",
                "false freezes the layer's parameters, as requires_grad=False does");
        static final String POOL = ", each side' = floor((side + 2·padding − kernel) / stride) + 1";
    }
}
