package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import java.util.SplittableRandom;

/**
 * Inverted dropout as PyTorch computes it: each value zeroed with probability p, the rest scaled
 * by 1/(1 − p). The mask comes from a generator of its own, seeded by the request, not from the
 * engine's global one, which concurrent requests share and so would make no run repeatable.
 */
final class SeededDropout {

    private final double p;
    private final SplittableRandom random;

    SeededDropout(double p, long seed) {
        this.p = p;
        this.random = new SplittableRandom(seed);
    }

    NDArray apply(NDArray input, boolean training) {
        if (!training || p == 0) {
            return input;
        }
        float[] mask = new float[Math.toIntExact(input.size())];
        float kept = (float) (1 / (1 - p));
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < p ? 0 : kept;
        }
        return input.mul(input.getManager().create(mask, input.getShape()));
    }
}
