package com.boxserve.service.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.boxserve.service.training.Engines;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Dropout at p > 0: the rate asked, PyTorch's scaling of what is kept, and the same mask for the same seed. */
class DropoutBlockTest {

    private static final int VALUES = 200_000;

    @Test
    void dropsAtTheRateAskedAndScalesTheRest() {
        for (double p : new double[] {0.1, 0.5, 0.8}) {
            float[] output = forward(p, 42, true);
            long dropped = countZeros(output);
            // 4.5 standard deviations of a binomial count: a wrong rate fails, chance does not
            double sd = Math.sqrt(VALUES * p * (1 - p));
            assertEquals(VALUES * p, dropped, 4.5 * sd, "p = " + p);
            float kept = (float) (1 / (1 - p));
            for (float value : output) {
                if (value != 0) {
                    assertEquals(kept, value, 1e-6, "what is kept is scaled by 1/(1-p)");
                }
            }
        }
    }

    @Test
    void theSeedMakesTheMaskRepeatable() {
        assertArrayEquals(forward(0.5, 7, true), forward(0.5, 7, true));
        assertFalse(Arrays.equals(forward(0.5, 7, true), forward(0.5, 8, true)));
    }

    @Test
    void inEvaluationItIsTheIdentity() {
        assertEquals(0, countZeros(forward(0.5, 7, false)));
    }

    private static float[] forward(double p, long seed, boolean training) {
        try (NDManager manager = Engines.newManager()) {
            NDArray ones = manager.ones(new Shape(VALUES / 100, 100));
            DropoutBlock block = new DropoutBlock(p, seed);
            return block.forward(new ParameterStore(manager, false), new NDList(ones), training).singletonOrThrow()
                    .toFloatArray();
        }
    }

    private static long countZeros(float[] values) {
        long zeros = 0;
        for (float value : values) {
            if (value == 0) {
                zeros++;
            }
        }
        return zeros;
    }
}
