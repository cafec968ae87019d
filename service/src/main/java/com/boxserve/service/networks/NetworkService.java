package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.types.Shape;
import com.boxserve.service.training.TrainingProperties;
import com.boxserve.service.training.TrainingService;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Service;

/**
 * Checks a network request once, on the request thread, against the limits: the layers against
 * each other and the input, the data against the shapes, and the sizes. Then it trains on the
 * training pool, whose full queue answers 503 as it does for every training request.
 */
@Service
public class NetworkService {

    /** Up to this many parameters, the answer carries their final values. */
    static final int PARAMETERS_IN_ANSWER = 1000;

    private final TrainingService training;
    private final TrainingProperties limits;

    public NetworkService(TrainingService training, TrainingProperties limits) {
        this.training = training;
        this.limits = limits;
    }

    public NetworkResult train(NetworkRequest request) {
        return training.submit("network", () -> {
            NetworkRequest resolved = resolve(request);
            NetworkPlan plan = plan(resolved);
            if (Boolean.TRUE.equals(resolved.dryRun())) {
                ModuleTable table = plan.table();
                return () -> NetworkResult.dryRun(request.preset(), table);
            }
            NetworkJob job = prepare(request.preset(), resolved, plan);
            return () -> NetworkTrainer.train(job);
        });
    }

    /** The request over its preset, if it names one. */
    private static NetworkRequest resolve(NetworkRequest request) {
        if (request == null) {
            throw ServiceFailure.invalid("the body is empty: give a network, or a preset");
        }
        return request.preset() == null ? request : request.over(NetworkPresets.named(request.preset()).request());
    }

    private NetworkPlan plan(NetworkRequest request) {
        Shape inputShape = inputShape(request);
        NetworkPlan plan = NetworkPlan.of(inputShape, request.layers(), limits);
        if (plan.parameterCount() > limits.maxParameters()) {
            throw ServiceFailure.invalid("the network has " + plan.parameterCount() + " parameters; the limit is "
                    + limits.maxParameters());
        }
        return plan;
    }

    private NetworkJob prepare(String preset, NetworkRequest request, NetworkPlan plan) {
        if (plan.trainableCount() == 0) {
            throw ServiceFailure.invalid("the network has no trainable parameter: nothing to train (a dry run "
                    + "shows its table)");
        }
        LossKind loss = LossKind.named(request.loss() == null ? "mse" : request.loss());
        OptimizerSettings optimizer = OptimizerSettings.of(request.optimizer());
        NetworkRequest.Data data = request.data();
        if (data == null || data.inputs() == null || data.inputs().isEmpty()) {
            throw ServiceFailure.invalid("data.inputs is empty: give samples to train on, or a preset");
        }
        int samples = data.inputs().size();
        if (samples > limits.maxSamples()) {
            throw ServiceFailure.invalid(samples + " samples; the limit is " + limits.maxSamples());
        }
        long values = samples * plan.inputShape().size();
        if (values > limits.maxValues()) {
            throw ServiceFailure.invalid(samples + " samples of " + plan.inputShape() + " are " + values
                    + " values; the limit is " + limits.maxValues());
        }
        int held = held(data.validationSplit(), samples);
        int trainingSamples = samples - held;
        int epochs = between("epochs", request.epochs(), 10, 1, limits.maxEpochs());
        int batchSize = between("batchSize", request.batchSize(), trainingSamples, 1, trainingSamples);
        int remainder = trainingSamples % batchSize;
        plan.requireStatistics(remainder == 0 ? batchSize : remainder);
        long activations = plan.activationsPerSample() * Math.max(batchSize, held);
        if (activations > limits.maxActivations()) {
            throw ServiceFailure.invalid("a batch of " + Math.max(batchSize, held) + " holds " + activations
                    + " values across the layers' outputs; the limit is " + limits.maxActivations()
                    + ": use a smaller batchSize or a smaller network");
        }
        // sizes first: parsing the data allocates what the sizes promise
        long targetValues = samples * loss.targetShape(plan.outputShape()).size();
        if (targetValues > limits.maxValues()) {
            throw ServiceFailure.invalid(samples + " targets of " + loss.targetShape(plan.outputShape())
                    + " are " + targetValues + " values; the limit is " + limits.maxValues());
        }
        float[] inputs = Tensors.flatten(data.inputs(), plan.inputShape(), "data.inputs");
        plan.checkTokens(inputs, "data.inputs");
        float[] targets = targets(data.targets(), samples, loss, plan);
        boolean trace = Boolean.TRUE.equals(request.trace());
        long steps = (long) epochs * ((trainingSamples + batchSize - 1) / batchSize);
        if (trace && request.shuffle() != Boolean.FALSE && (long) epochs * trainingSamples > limits.maxValues()) {
            throw ServiceFailure.invalid("a shuffled trace answers every epoch's order of the samples: at most "
                    + limits.maxValues() + " indices, and this run has " + (long) epochs * trainingSamples
                    + "; trace with \"shuffle\": false");
        }
        if (trace && steps > limits.maxTraceSteps()) {
            throw ServiceFailure.invalid("a trace answers every step's loss: at most " + limits.maxTraceSteps()
                    + " steps, and this run has " + steps);
        }
        List<Object> predict = request.predict();
        if (predict != null && (predict.size() > limits.maxSamples()
                || predict.size() * plan.inputShape().size() > limits.maxValues())) {
            throw ServiceFailure.invalid(predict.size() + " inputs to predict; the limits are "
                    + limits.maxSamples() + " inputs and " + limits.maxValues() + " values");
        }
        if (predict != null && plan.activationsPerSample() * predict.size() > limits.maxActivations()) {
            throw ServiceFailure.invalid(predict.size() + " inputs to predict hold "
                    + plan.activationsPerSample() * predict.size() + " values across the layers' outputs; the limit is "
                    + limits.maxActivations());
        }
        float[] predictInputs = predict == null || predict.isEmpty() ? null
                : Tensors.flatten(predict, plan.inputShape(), "predict");
        if (predictInputs != null) {
            plan.checkTokens(predictInputs, "predict");
        }
        return new NetworkJob(preset, plan, plan.table(), loss, optimizer, epochs, batchSize,
                request.shuffle() == null || request.shuffle(), request.seed() == null ? 0 : request.seed(), inputs,
                targets, samples, trainingSamples, predictInputs, predictInputs == null ? 0 : predict.size(), trace,
                trace || plan.parameterCount() <= PARAMETERS_IN_ANSWER, TimeUnit.SECONDS.toNanos(limits.maxSeconds()));
    }

    private Shape inputShape(NetworkRequest request) {
        Shape shape = givenInputShape(request);
        if (shape.dimension() > 4) {
            throw ServiceFailure.invalid("inputShape " + shape + " has " + shape.dimension()
                    + " dimensions; a sample has at most 4 (conv2d takes [channels, height, width])");
        }
        // in double: four sizes of a million overflow a long
        double values = Arrays.stream(shape.getShape()).asDoubleStream().reduce(1, (a, b) -> a * b);
        if (values > limits.maxValues()) {
            throw ServiceFailure.invalid("one sample of " + shape + " has " + (long) values + " values; the"
                    + " limit is " + limits.maxValues());
        }
        return shape;
    }

    private static Shape givenInputShape(NetworkRequest request) {
        if (request.inputShape() == null) {
            if (request.data() == null || request.data().inputs() == null || request.data().inputs().isEmpty()) {
                throw ServiceFailure.invalid("inputShape is required when there are no data.inputs to read it from");
            }
            return Tensors.shapeOf(request.data().inputs().get(0));
        }
        if (request.inputShape().isEmpty()
                || request.inputShape().stream().anyMatch(s -> s == null || s < 1 || s > 1_000_000)) {
            throw ServiceFailure.invalid("inputShape must be sizes from 1 to 1000000, not "
                    + request.inputShape());
        }
        return new Shape(request.inputShape().stream().mapToLong(Integer::longValue).toArray());
    }

    private static float[] targets(List<Object> targets, int samples, LossKind loss, NetworkPlan plan) {
        if (targets == null || targets.size() != samples) {
            throw ServiceFailure.invalid("data.targets needs one target per sample: " + samples
                    + " inputs, " + (targets == null ? 0 : targets.size()) + " targets");
        }
        float[] values = Tensors.flatten(targets, loss.targetShape(plan.outputShape()), "data.targets");
        for (int i = 0; i < values.length; i++) {
            float value = values[i];
            if (loss == LossKind.CROSS_ENTROPY && (value != Math.rint(value) || value < 0
                    || value >= plan.outputShape().get(0))) {
                throw ServiceFailure.invalid("data.targets[" + i + "] must be a class index from 0 to "
                        + (plan.outputShape().get(0) - 1) + ", not " + value);
            }
            if (loss == LossKind.BCE && (value < 0 || value > 1)) {
                throw ServiceFailure.invalid("data.targets of bce must be from 0 to 1; value " + i + " is "
                        + value);
            }
        }
        return values;
    }

    /** The held-out count: the last ⌈split·N⌉ samples, leaving at least one to train on. */
    static int held(Double split, int samples) {
        if (split == null || split == 0) {
            return 0;
        }
        if (!(split > 0 && split < 1)) {
            throw ServiceFailure.invalid("data.validationSplit must be from 0 to below 1, not " + split);
        }
        // in decimal: 0.07 × 100 is 7.000000000000001 in binary, whose ceiling would hold out 8
        int held = BigDecimal.valueOf(split).multiply(BigDecimal.valueOf(samples)).setScale(0, RoundingMode.CEILING)
                .intValueExact();
        if (held >= samples) {
            throw ServiceFailure.invalid("data.validationSplit " + split + " of " + samples
                    + " samples leaves none to train on");
        }
        return held;
    }

    private static int between(String name, Integer value, int fallback, int low, int high) {
        int resolved = value == null ? fallback : value;
        if (resolved < low || resolved > high) {
            throw ServiceFailure.invalid(name + " must be from " + low + " to " + high + ", not " + resolved);
        }
        return resolved;
    }
}
