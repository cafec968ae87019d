package com.boxserve.service.networks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.boxserve.service.training.Engines;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A garbage collection between forward and backward leaves the gradients as they were. Autograd
 * keeps some operands for the backward; one over a Java buffer that was already closed is read
 * after the collector frees it, and the freed memory is filled here with NaN so that such a read
 * shows.
 */
class GradientsAcrossCollectionTest {

    private static final Shape SAMPLE = new Shape(4, 8);

    @Test
    void attentionScalesItsQueriesWithAScalarTheEngineOwns() {
        BiFunction<NDManager, NDArray, NDArray> transformer = (manager, input) -> {
            Layer layer = LayerKind.named(0, "transformerEncoder").build(0,
                    Map.of("kind", "transformerEncoder", "nhead", 2, "dimFeedforward", 16, "dropout", 0.0));
            Block block = layer.block(SAMPLE, new TorchInit(3));
            block.initialize(manager, DataType.FLOAT32, Shapes.withBatch(1, SAMPLE));
            return block.forward(new ParameterStore(manager, false), new NDList(input), true).singletonOrThrow().square()
                    .sum();
        };
        assertSameGradient(transformer);
    }

    @Test
    void binaryCrossEntropyClampsWithAScalarTheEngineOwns() {
        assertSameGradient((manager, input) -> LossKind.BCE.compute(input,
                manager.create(new float[Math.toIntExact(input.size())], input.getShape()).add(1)));
    }

    private static void assertSameGradient(BiFunction<NDManager, NDArray, NDArray> loss) {
        float[] undisturbed = gradient(loss, false);
        float[] collected = gradient(loss, true);
        for (float value : undisturbed) {
            assertTrue(Float.isFinite(value) && value != 0, "a gradient to compare: " + value);
        }
        assertArrayEquals(undisturbed, collected, "the gradient after a collection between forward and backward");
    }

    private static float[] gradient(BiFunction<NDManager, NDArray, NDArray> loss, boolean collectBetween) {
        try (NDManager manager = Engines.newManager()) {
            SplittableRandom random = new SplittableRandom(11);
            float[] values = new float[Math.toIntExact(2 * SAMPLE.size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextDouble(-1, 1);
            }
            NDArray input = manager.create(values, Shapes.withBatch(2, SAMPLE));
            input.setRequiresGradient(true);
            Engines.withGradients(collector -> {
                NDArray result = loss.apply(manager, input);
                List<ByteBuffer> poison = collectBetween ? collectAndPoison() : List.of();
                collector.backward(result);
                return poison.size();
            });
            return input.getGradient().toFloatArray();
        }
    }

    /** Frees what the collector can free and hands the freed small blocks back out, filled with NaN. */
    private static List<ByteBuffer> collectAndPoison() {
        System.gc();
        try {
            // direct buffers are freed by the Cleaner's thread after the collection
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> poison = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(i % 2 == 0 ? 4 : 8).order(ByteOrder.nativeOrder());
            for (int at = 0; at + 4 <= buffer.capacity(); at += 4) {
                buffer.putFloat(at, Float.NaN);
            }
            poison.add(buffer);
        }
        return poison;
    }
}
