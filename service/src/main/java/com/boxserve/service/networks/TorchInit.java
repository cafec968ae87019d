package com.boxserve.service.networks;

import ai.djl.training.initializer.Initializer;
import java.util.Arrays;
import java.util.Random;

/**
 * The initial values PyTorch's layers give themselves (Linear and Conv: weight and bias uniform in
 * ±1/√fan_in, which is what kaiming_uniform_ with a = √5 comes to; recurrent layers: uniform in
 * ±1/√hidden; Embedding: N(0, 1)), drawn from the request's seed.
 * The values are not torch's (its generator differs); the distribution is, and a seed repeats them.
 */
final class TorchInit {

    private final Random random;

    TorchInit(long seed) {
        this.random = new Random(seed);
    }

    Initializer uniform(long fanIn) {
        return uniformBound(1 / Math.sqrt(fanIn));
    }

    Initializer uniformBound(double bound) {
        return (manager, shape, dataType) -> {
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            return manager.create(values, shape);
        };
    }

    /** N(0, 1), as {@code torch.nn.Embedding} starts, with the padding row (if any) zero. */
    Initializer embedding(int paddingRow) {
        return (manager, shape, dataType) -> {
            float[] values = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            if (paddingRow >= 0) {
                int width = Math.toIntExact(shape.get(1));
                Arrays.fill(values, paddingRow * width, (paddingRow + 1) * width, 0f);
            }
            return manager.create(values, shape);
        };
    }

    /** A seed for a layer's own random stream (dropout's masks), drawn so that one request seed fixes them all. */
    long nextSeed() {
        return random.nextLong();
    }
}
