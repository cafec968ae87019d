package com.boxserve.service.networks;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import java.util.Map;

/** {@code torch.nn.Dropout(p)}, its masks drawn from the request's seed so that a run repeats. */
record DropoutLayer(LayerArguments source, double p) implements Layer {

    DropoutLayer(LayerArguments source) {
        this(source, source.number("p", 0.5, 0, 1));
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public Block block(Shape input, TorchInit init) {
        return new DropoutBlock(p, init.nextSeed());
    }

    @Override
    public String describe(Shape input) {
        return "Dropout(p=" + PythonRepr.number(p) + ", inplace=False)";
    }

    @Override
    public Map<String, Object> arguments(Shape input) {
        return Map.of("p", p);
    }
}
