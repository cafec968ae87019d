package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Small networks that each teach one idea, with data made from a fixed seed so that each run
 * gives the same figure, which a test asserts.
 */
enum NetworkPresets {

    LINEAR_MODULE("linear-module", "The house-price data (x = 1, 2, 3, 4; y = 3, 5, 7, 9) learned by one linear "
            + "layer: a module whose parameters are 0.weight [1, 1] and 0.bias [1]. Full-batch SGD, lr 0.05, "
            + "1000 epochs, seed 0.", "weight 2.000 and bias 1.000 to three decimals; predicts 11 for x = 5",
            NetworkPresets::linearModule),
    CNN_BARS("cnn-bars", "conv2d → relu → maxPool2d → flatten → linear telling horizontal from vertical bars in "
            + "generated 8×8 images (320 images from seed 7: a bar of 4 to 8 pixels, brightness 0.7 to 1, on noise up "
            + "to 0.3; the last quarter held out). Adam, lr 0.01, batches of 32, 15 epochs, seed 0.",
            "held-out accuracy at least 98 %", NetworkPresets::cnnBars),
    MIN_POOL("min-pool", "Which quadrant holds the dark spot? Bright 8×8 images (0.6 to 1) with one dark 2×2 spot "
            + "(below 0.1) in one quadrant (320 images from seed 11; the last quarter held out). minPool2d(4) gives "
            + "each quadrant's darkest value and one linear layer reads the answer; max pooling in its place sees "
            + "only bright pixels. Adam, lr 0.05, batches of 32, 40 epochs, seed 0.",
            "held-out accuracy at least 99 % (with maxPool2d in its place: near chance)", NetworkPresets::minPool),
    LSTM_SINE("lstm-sine", "An LSTM (hidden 16, its last step) and a linear layer predict the next value of a sine wave "
            + "from the 10 before it (400 windows of sin(t0 + 0.3k) with t0 uniform in [0, 2π) from seed 5; the last "
            + "quarter held out). MSE, Adam, lr 0.01, batches of 32, 40 epochs, seed 0.", "held-out MSE below 1e-3",
            NetworkPresets::lstmSine),
    RNN_MAJORITY("rnn-majority", "A plain tanh RNN (hidden 16, its last step) and a linear layer tell whether a sequence "
            + "of 9 steps of +1 or −1 (400 sequences from seed 9; the last quarter held out) has more +1s: the hidden "
            + "state must carry the count to the end. Cross-entropy, Adam, lr 0.01, batches of 32, 40 epochs, seed 0.",
            "held-out accuracy at least 95 %", NetworkPresets::rnnMajority),
    TRANSFORMER_REPEAT("transformer-repeat", "A Transformer encoder tells whether a sequence of tokens holds some token "
            + "twice: 1000 sequences of 4 to 8 distinct tokens from 1 to 10, every other one with one token copied over "
            + "another, padded with 0 to 8 (seed 13; the last quarter held out). embedding(11, 32, padding 0) → "
            + "transformerEncoder(2 pre-norm layers, 4 heads, feed-forward 64, dropout 0, padding mask, the mean over "
            + "the steps) → linear. No position encoding: whether a token repeats does not depend on where it stands "
            + "(with sinusoidal positions one layer reached 83 %). Cross-entropy, Adam, lr 0.003, batches of 32, "
            + "30 epochs, seed 0.",
            "held-out accuracy at least 95 %", NetworkPresets::transformerRepeat);

    /** A preset as {@code GET /v1/training/networks/presets} lists it. */
    public record Description(String name, String description, String figure) {
    }

    private static final int IMAGE = 8;

    private final String id;
    private final String description;
    private final String figure;
    private final Supplier<NetworkRequest> request;

    NetworkPresets(String id, String description, String figure, Supplier<NetworkRequest> request) {
        this.id = id;
        this.description = description;
        this.figure = figure;
        this.request = request;
    }

    static NetworkPresets named(String name) {
        return Arrays.stream(values()).filter(p -> p.id.equals(name)).findFirst()
                .orElseThrow(() -> ServiceFailure.invalid("no preset named '" + name + "'; the presets are "
                        + Arrays.stream(values()).map(p -> p.id).toList()));
    }

    NetworkRequest request() {
        return request.get();
    }

    Description describe() {
        return new Description(id, description, figure);
    }

    private static NetworkRequest linearModule() {
        return new NetworkRequest(null, List.of(1), List.of(Map.of("kind", "linear", "outFeatures", 1)),
                new NetworkRequest.Data(List.of(1, 2, 3, 4), List.of(3, 5, 7, 9), null), "mse",
                new NetworkRequest.Optimizer("sgd", 0.05, null, null, null, null), 1000, 4, false, 0L, List.of(5),
                null, null);
    }

    private static NetworkRequest cnnBars() {
        return images(7, 0, 0.3, 2, (image, vertical, random) -> {
            int line = random.nextInt(IMAGE);
            int length = 4 + random.nextInt(5);
            int start = random.nextInt(IMAGE - length + 1);
            for (int k = start; k < start + length; k++) {
                double bright = 0.7 + 0.3 * random.nextDouble();
                if (vertical == 1) {
                    image[k][line] = bright;
                } else {
                    image[line][k] = bright;
                }
            }
        }, List.of(Map.of("kind", "conv2d", "outChannels", 4, "kernelSize", 3, "padding", 1), Map.of("kind", "relu"),
                Map.of("kind", "maxPool2d", "kernelSize", 2), Map.of("kind", "flatten"),
                Map.of("kind", "linear", "outFeatures", 2)), 0.01, 15);
    }

    private static NetworkRequest minPool() {
        return images(11, 0.6, 0.4, 4, (image, quadrant, random) -> {
            int top = (quadrant / 2) * 4 + random.nextInt(3);
            int left = (quadrant % 2) * 4 + random.nextInt(3);
            for (int r = top; r < top + 2; r++) {
                for (int c = left; c < left + 2; c++) {
                    image[r][c] = 0.1 * random.nextDouble();
                }
            }
        }, List.of(Map.of("kind", "minPool2d", "kernelSize", 4), Map.of("kind", "flatten"),
                Map.of("kind", "linear", "outFeatures", 4)), 0.05, 40);
    }

    private static NetworkRequest lstmSine() {
        Random random = new Random(5);
        List<Object> inputs = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double start = random.nextDouble() * 2 * Math.PI;
            List<Object> window = new ArrayList<>();
            for (int k = 0; k < 10; k++) {
                window.add(List.of(Math.sin(start + 0.3 * k)));
            }
            inputs.add(window);
            targets.add(Math.sin(start + 0.3 * 10));
        }
        return sequences(List.of(10, 1), Map.of("kind", "lstm", "hiddenSize", 16, "output", "last"), 1, inputs, targets,
                "mse", 40);
    }

    private static NetworkRequest rnnMajority() {
        Random random = new Random(9);
        List<Object> inputs = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int sum = 0;
            List<Object> sequence = new ArrayList<>();
            // nine steps: the count is never a tie
            for (int k = 0; k < 9; k++) {
                int step = random.nextBoolean() ? 1 : -1;
                sum += step;
                sequence.add(List.of(step));
            }
            inputs.add(sequence);
            targets.add(sum > 0 ? 1 : 0);
        }
        return sequences(List.of(9, 1), Map.of("kind", "rnn", "hiddenSize", 16, "output", "last"), 2, inputs, targets,
                "crossEntropy", 40);
    }

    private static NetworkRequest transformerRepeat() {
        Random random = new Random(13);
        List<Object> inputs = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            int length = 4 + random.nextInt(5);
            List<Integer> tokens = new ArrayList<>();
            for (int token = 1; token <= 10; token++) {
                tokens.add(token);
            }
            Collections.shuffle(tokens, random);
            tokens = new ArrayList<>(tokens.subList(0, length));
            boolean repeated = i % 2 == 1;
            if (repeated) {
                int from = random.nextInt(length);
                int to = (from + 1 + random.nextInt(length - 1)) % length;
                tokens.set(to, tokens.get(from));
            }
            while (tokens.size() < 8) {
                tokens.add(0);
            }
            inputs.add(tokens);
            targets.add(repeated ? 1 : 0);
        }
        return new NetworkRequest(null, List.of(8), List.of(
                Map.of("kind", "embedding", "numEmbeddings", 11, "embeddingDim", 32, "paddingIdx", 0),
                Map.of("kind", "transformerEncoder", "nhead", 4, "dimFeedforward", 64, "dropout", 0.0, "paddingMask", true,
                        "normFirst", true, "numLayers", 2, "output", "mean"),
                Map.of("kind", "linear", "outFeatures", 2)),
                new NetworkRequest.Data(inputs, targets, 0.25), "crossEntropy",
                new NetworkRequest.Optimizer("adam", 0.003, null, null, null, null), 30, 32, true, 0L, null, null, null);
    }

    /** A recurrent layer, its last step read by a linear layer; Adam, lr 0.01, batches of 32, the last quarter held out. */
    private static NetworkRequest sequences(List<Integer> inputShape, Map<String, Object> recurrent, int outputs,
            List<Object> inputs, List<Object> targets, String loss, int epochs) {
        return new NetworkRequest(null, inputShape, List.of(recurrent, Map.of("kind", "linear", "outFeatures", outputs)),
                new NetworkRequest.Data(inputs, targets, 0.25), loss,
                new NetworkRequest.Optimizer("adam", 0.01, null, null, null, null), epochs, 32, true, 0L, null, null,
                null);
    }

    /** Draws one image's class pattern over its background noise. */
    private interface Painter {
        void paint(double[][] image, int label, Random random);
    }

    /**
     * 320 generated 8×8 one-channel images, labelled in turn 0, 1, ..., classes − 1, the last quarter
     * held out, learned by cross-entropy with Adam in batches of 32.
     */
    private static NetworkRequest images(long seed, double low, double range, int classes, Painter painter,
            List<Map<String, Object>> layers, double learningRate, int epochs) {
        Random random = new Random(seed);
        List<Object> inputs = new ArrayList<>();
        List<Object> targets = new ArrayList<>();
        for (int i = 0; i < 320; i++) {
            double[][] image = noise(random, low, range);
            painter.paint(image, i % classes, random);
            inputs.add(List.of(rows(image)));
            targets.add(i % classes);
        }
        return new NetworkRequest(null, List.of(1, IMAGE, IMAGE), layers, new NetworkRequest.Data(inputs, targets, 0.25),
                "crossEntropy", new NetworkRequest.Optimizer("adam", learningRate, null, null, null, null), epochs, 32,
                true, 0L, null, null, null);
    }

    private static double[][] noise(Random random, double low, double range) {
        double[][] image = new double[IMAGE][IMAGE];
        for (double[] row : image) {
            for (int c = 0; c < IMAGE; c++) {
                row[c] = low + range * random.nextDouble();
            }
        }
        return image;
    }

    private static List<Object> rows(double[][] image) {
        List<Object> rows = new ArrayList<>();
        for (double[] row : image) {
            rows.add(Arrays.stream(row).boxed().toList());
        }
        return rows;
    }
}
