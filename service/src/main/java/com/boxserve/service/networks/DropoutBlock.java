package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.SplittableRandom;

/**
 * Inverted dropout as PyTorch computes it: in training each value is zeroed with probability p and
 * the rest scaled by 1/(1 − p); in evaluation it is the identity. The mask comes from this block's
 * own generator, seeded by the request, not from the engine's global one, which concurrent
 * requests would share and so make no run repeatable.
 */
final class DropoutBlock extends AbstractBlock {

    private final double p;
    private final SplittableRandom random;

    DropoutBlock(double p, long seed) {
        this.p = p;
        this.random = new SplittableRandom(seed);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray input = inputs.singletonOrThrow();
        if (!training || p == 0) {
            return new NDList(input);
        }
        float[] mask = new float[Math.toIntExact(input.size())];
        float kept = (float) (1 / (1 - p));
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < p ? 0 : kept;
        }
        return new NDList(input.mul(input.getManager().create(mask, input.getShape())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
