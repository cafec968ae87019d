package com.boxserve.service.training;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-batch gradient descent on a DJL {@link Linear} block (its {@code weight} and {@code bias}
 * are the model's Parameters, like {@code torch.nn.Linear}'s), in float64 on the PyTorch engine.
 *
 * <p>Each epoch computes the mean squared error, then its gradient — by the engine's autograd
 * or by the hand-written formulas ∂L/∂w = mean(2x(xw + b − y)), ∂L/∂b = mean(2(xw + b − y)) —
 * then steps each parameter by −lr·gradient and zeroes the gradients, as the classic PyTorch
 * example does.
 */
final class LinearRegressionTrainer {

    private static final Logger log = LoggerFactory.getLogger(LinearRegressionTrainer.class);
    private static final int PROGRESS_EVERY = 100;

    enum Method { AUTOGRAD, MANUAL }

    private LinearRegressionTrainer() {
    }

    static LinearRegressionResult train(double[][] x, double[] y, double learningRate, int epochs, Method method,
            double[] startWeights, double startBias, int curvePoints) {
        int n = x.length;
        int features = x[0].length;
        long started = System.nanoTime();
        try (NDManager manager = Engines.newManager()) {
            NDArray inputs = manager.create(x);
            NDArray targets = manager.create(y).reshape(n, 1);
            Linear model = Linear.builder().setUnits(1).build();
            // the start goes in through the block's initializers, as any DJL initial values do
            model.setInitializer((m, shape, type) -> m.create(startWeights, shape), Parameter.Type.WEIGHT);
            model.setInitializer((m, shape, type) -> m.create(new double[] {startBias}, shape), Parameter.Type.BIAS);
            model.initialize(manager, DataType.FLOAT64, new Shape(n, features));
            Parameter weight = model.getParameters().get("weight");
            Parameter bias = model.getParameters().get("bias");
            ParameterStore parameters = new ParameterStore(manager, false);

            List<LinearRegressionResult.LossPoint> curve = new ArrayList<>();
            int sampleEvery = Math.max(1, epochs / Math.max(1, curvePoints));
            // every 100 epochs, as the classic example prints, but no more than ten lines a run
            int progressEvery = Math.max(PROGRESS_EVERY, epochs / 10);
            for (int epoch = 1; epoch <= epochs; epoch++) {
                double loss;
                // the arrays an epoch makes are freed with it: a long run holds no more than a short one
                try (NDScope ignored = new NDScope()) {
                    loss = method == Method.AUTOGRAD
                            ? autogradStep(model, parameters, inputs, targets, weight, bias, learningRate)
                            : manualStep(model, parameters, inputs, targets, weight, bias, learningRate);
                }
                if (!Double.isFinite(loss)) {
                    throw diverged(epoch, learningRate);
                }
                if ((epoch - 1) % sampleEvery == 0) {
                    curve.add(new LinearRegressionResult.LossPoint(epoch - 1, loss));
                }
                if (epoch % progressEvery == 0) {
                    log.info("linear regression ({}): epoch {}, loss {}", method, epoch, loss);
                }
            }
            double finalLoss = mse(model, parameters, inputs, targets);
            if (!Double.isFinite(finalLoss)) {
                throw diverged(epochs, learningRate);
            }
            curve.add(new LinearRegressionResult.LossPoint(epochs, finalLoss));
            double durationMs = (System.nanoTime() - started) / 1e6;
            return new LinearRegressionResult(method.name().toLowerCase(), list(startWeights), startBias,
                    list(weight.getArray().toDoubleArray()), bias.getArray().toDoubleArray()[0], finalLoss, epochs,
                    learningRate, curve, durationMs, ClosedForm.solve(x, y));
        }
    }

    private static double autogradStep(Linear model, ParameterStore parameters, NDArray inputs, NDArray targets,
            Parameter weight, Parameter bias, double learningRate) {
        double loss = Engines.withGradients(collector -> {
            NDArray prediction = model.forward(parameters, new NDList(inputs), true).singletonOrThrow();
            NDArray mse = prediction.sub(targets).square().mean();
            collector.backward(mse);
            return mse.getDouble();
        });
        for (Parameter parameter : List.of(weight, bias)) {
            NDArray gradient = parameter.getArray().getGradient();
            step(parameter, gradient, learningRate);
            gradient.subi(gradient); // zero the gradient for the next epoch
        }
        return loss;
    }

    private static double manualStep(Linear model, ParameterStore parameters, NDArray inputs, NDArray targets,
            Parameter weight, Parameter bias, double learningRate) {
        NDArray error = model.forward(parameters, new NDList(inputs), false).singletonOrThrow().sub(targets);
        double loss = error.square().mean().getDouble();
        NDArray weightGradient = inputs.mul(error).mul(2).mean(new int[] {0}).reshape(weight.getArray().getShape());
        NDArray biasGradient = error.mul(2).mean().reshape(bias.getArray().getShape());
        step(weight, weightGradient, learningRate);
        step(bias, biasGradient, learningRate);
        return loss;
    }

    /**
     * parameter −= lr·gradient, through a detached view of its storage: PyTorch forbids in-place
     * changes of a leaf that requires grad while grad mode is on (a fresh thread's default), the
     * {@code w.data -= lr * w.grad} of the classic example.
     */
    private static void step(Parameter parameter, NDArray gradient, double learningRate) {
        parameter.getArray().stopGradient().subi(gradient.mul(learningRate));
    }

    private static double mse(Linear model, ParameterStore parameters, NDArray inputs, NDArray targets) {
        return model.forward(parameters, new NDList(inputs), false).singletonOrThrow().sub(targets).square().mean()
                .getDouble();
    }

    private static List<Double> list(double[] values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return list;
    }

    /** A loss that became NaN or infinite: with this plain data, the rate is too high. */
    private static ServiceFailure diverged(int epoch, double learningRate) {
        return new ServiceFailure(FailureKind.TRAINING_DIVERGED, "the loss became non-finite at epoch " + epoch
                + ": the learning rate " + learningRate + " is too high for this data; try a smaller one");
    }
}
