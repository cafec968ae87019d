package com.boxserve.service.networks;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.boxserve.service.training.Engines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * Trains a network as a PyTorch training loop does: per epoch, batches in order (or shuffled by
 * the seed), and per batch a forward in training mode, the loss, backward, one optimizer step and
 * zeroed gradients. Every array lives in the run's manager; each step's and each evaluation's
 * temporaries are freed with their scope, so a long run holds no more than a short one.
 */
final class NetworkTrainer {

    private final NetworkJob job;
    private final int sampleSize;
    private final int targetSize;
    private final int classes;

    private NetworkTrainer(NetworkJob job) {
        this.job = job;
        this.sampleSize = Math.toIntExact(job.plan().inputShape().size());
        this.targetSize = Math.toIntExact(job.targetShape().size());
        this.classes = job.loss() == LossKind.CROSS_ENTROPY ? Math.toIntExact(job.plan().outputShape().get(0)) : 0;
    }

    static NetworkResult train(NetworkJob job) {
        return new NetworkTrainer(job).run();
    }

    private NetworkResult run() {
        long started = System.nanoTime();
        try (NDManager manager = Engines.newManager()) {
            Network network = Network.build(job.plan(), job.seed(), manager);
            Map<String, Network.Values> initialParameters = job.trace() ? network.parameterValues() : null;
            Map<String, Network.Values> initialBuffers = job.trace() ? network.bufferValues() : null;
            NetworkOptimizer optimizer = NetworkOptimizer.of(job.optimizer());
            optimizer.prepare(network.trainable(), manager);
            // the limit counts training alone: the first request of a JVM also loads the engine's native library
            long trainingStarted = System.nanoTime();

            List<NetworkResult.Epoch> history = new ArrayList<>();
            List<Float> stepLosses = job.trace() ? new ArrayList<>() : null;
            List<int[]> epochOrders = job.trace() && job.shuffle() ? new ArrayList<>() : null;
            // a stream of its own: the initialisation draws from Random(seed) already
            Random order = new Random(new SplittableRandom(job.seed()).nextLong());
            int step = 0;
            String stoppedEarly = null;
            for (int epoch = 1; epoch <= job.epochs() && stoppedEarly == null; epoch++) {
                long epochStarted = System.nanoTime();
                int[] indices = order(order);
                if (epochOrders != null) {
                    epochOrders.add(indices);
                }
                double lossSum = 0;
                long correct = 0;
                for (int start = 0; start < indices.length; start += job.batchSize()) {
                    // checked before a batch, not after, so that an epoch that finished is never dropped
                    if (step > 0 && System.nanoTime() - trainingStarted > job.maxNanos()) {
                        stoppedEarly = "the time limit of " + job.maxNanos() / 1_000_000_000 + " s was reached during epoch "
                                + epoch + " of " + job.epochs() + "; the epochs done are answered";
                        break;
                    }
                    int end = Math.min(indices.length, start + job.batchSize());
                    try (NDScope ignored = new NDScope()) {
                        Batch batch = batch(manager, indices, start, end);
                        float[] outcome = Engines.withGradients(collector -> {
                            NDArray output = network.forward(batch.inputs(), true);
                            NDArray loss = job.loss().compute(output, batch.targets());
                            collector.backward(loss);
                            return new float[] {loss.getFloat(), job.loss().correct(output, batch.targets())};
                        });
                        if (!Float.isFinite(outcome[0])) {
                            throw new ServiceFailure(FailureKind.TRAINING_DIVERGED, "the loss became non-finite at "
                                    + "epoch " + epoch + " (optimizer step " + (step + 1) + "): most often the learning "
                                    + "rate " + job.optimizer().learningRate() + " is too high for this network and data; "
                                    + "try a smaller one");
                        }
                        optimizer.step(network.trainable(), ++step);
                        lossSum += (double) outcome[0] * (end - start);
                        correct += (long) outcome[1];
                        if (stepLosses != null) {
                            stepLosses.add(outcome[0]);
                        }
                    }
                }
                if (stoppedEarly != null) {
                    break;
                }
                Evaluation held = job.samples() > job.trainingSamples() ? evaluate(network, manager) : null;
                history.add(new NetworkResult.Epoch(epoch, lossSum / indices.length,
                        job.loss().classification() ? (double) correct / judged(indices.length) : null,
                        held == null ? null : held.loss(), held == null ? null : held.accuracy(),
                        (System.nanoTime() - epochStarted) / 1e6));
            }
            Predictions predictions = job.predict() == null ? null : predict(network, manager);
            boolean values = job.parametersInAnswer();
            return new NetworkResult(job.preset(), job.table(), job.loss().id(), job.optimizer(), job.epochs(),
                    job.batchSize(), job.trainingSamples(), job.samples() - job.trainingSamples(), history,
                    history.size(), stoppedEarly, (System.nanoTime() - started) / 1e6,
                    predictions == null ? null : predictions.outputs(), predictions == null ? null : predictions.classes(),
                    values ? network.parameterValues() : null, values ? network.bufferValues() : null,
                    job.trace() ? new NetworkResult.Trace(initialParameters, initialBuffers, stepLosses, epochOrders)
                            : null);
        }
    }

    private record Batch(NDArray inputs, NDArray targets) {
    }

    private record Evaluation(double loss, Double accuracy) {
    }

    private record Predictions(List<Object> outputs, List<Integer> classes) {
    }

    /** The training samples' order for one epoch: as given, or shuffled by the seed as a DataLoader with shuffle=True. */
    private int[] order(Random random) {
        int[] indices = new int[job.trainingSamples()];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = i;
        }
        if (job.shuffle()) {
            for (int i = indices.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int swap = indices[i];
                indices[i] = indices[j];
                indices[j] = swap;
            }
        }
        return indices;
    }

    private Batch batch(NDManager manager, int[] indices, int start, int end) {
        int count = end - start;
        float[] inputs = new float[count * sampleSize];
        float[] targets = new float[count * (classes > 0 ? classes : targetSize)];
        for (int i = 0; i < count; i++) {
            int sample = indices[start + i];
            System.arraycopy(job.inputs(), sample * sampleSize, inputs, i * sampleSize, sampleSize);
            if (classes > 0) {
                // one-hot, so that the loss's sum over classes picks the target's log-probability
                targets[i * classes + (int) job.targets()[sample]] = 1;
            } else {
                System.arraycopy(job.targets(), sample * targetSize, targets, i * targetSize, targetSize);
            }
        }
        Shape targetShape = classes > 0 ? new Shape(count, classes) : Shapes.withBatch(count, job.targetShape());
        return new Batch(manager.create(inputs, Shapes.withBatch(count, job.plan().inputShape())),
                manager.create(targets, targetShape));
    }

    /** The held-out samples in evaluation mode: dropout off, batch normalisation on its running statistics. */
    private Evaluation evaluate(Network network, NDManager manager) {
        int[] held = new int[job.samples() - job.trainingSamples()];
        for (int i = 0; i < held.length; i++) {
            held[i] = job.trainingSamples() + i;
        }
        try (NDScope ignored = new NDScope()) {
            Batch batch = batch(manager, held, 0, held.length);
            NDArray output = network.forward(batch.inputs(), false);
            double loss = job.loss().compute(output, batch.targets()).getFloat();
            Double accuracy = job.loss().classification()
                    ? (double) job.loss().correct(output, batch.targets()) / judged(held.length) : null;
            return new Evaluation(loss, accuracy);
        }
    }

    private Predictions predict(Network network, NDManager manager) {
        try (NDScope ignored = new NDScope()) {
            NDArray input = manager.create(job.predict(), Shapes.withBatch(job.predictCount(), job.plan().inputShape()));
            NDArray output = network.forward(input, false);
            float[] values = output.toFloatArray();
            Shape sample = job.plan().outputShape();
            int size = Math.toIntExact(sample.size());
            List<Object> outputs = new ArrayList<>();
            for (int i = 0; i < job.predictCount(); i++) {
                outputs.add(Tensors.nest(values, i * size, sample));
            }
            List<Integer> classes = null;
            if (job.loss() == LossKind.CROSS_ENTROPY) {
                classes = new ArrayList<>();
                for (long c : output.argMax(1).toLongArray()) {
                    classes.add((int) c);
                }
            }
            return new Predictions(outputs, classes);
        }
    }

    /** What accuracy is a share of: samples for crossEntropy, target values for bce. */
    private long judged(int samples) {
        return job.loss() == LossKind.BCE ? (long) samples * targetSize : samples;
    }
}
