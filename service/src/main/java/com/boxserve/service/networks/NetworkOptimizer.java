package com.boxserve.service.networks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD} and {@code torch.optim.Adam} step by step as torch 1.13 computes them
 * (its single-tensor path), rather than DJL's optimizers, which follow MXNet: DJL's Adam puts
 * epsilon inside the bias correction, and its weight decay and momentum are defined differently,
 * so its steps drift from PyTorch's. The state lives in the run's manager, outside every step's scope.
 */
abstract sealed class NetworkOptimizer permits NetworkOptimizer.Sgd, NetworkOptimizer.Adam {

    private final Map<Parameter, NDArray[]> state = new IdentityHashMap<>();
    final double learningRate;
    final double weightDecay;

    NetworkOptimizer(double learningRate, double weightDecay) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    static NetworkOptimizer of(OptimizerSettings settings) {
        return settings.kind().equals("adam")
                ? new Adam(settings.learningRate(), settings.weightDecay(), settings.betas().get(0),
                        settings.betas().get(1), settings.eps())
                : new Sgd(settings.learningRate(), settings.weightDecay(), settings.momentum());
    }

    /** Creates the state of every parameter before the first step, so that no step allocates what must outlive it. */
    void prepare(List<Parameter> parameters, NDManager manager) {
        for (Parameter parameter : parameters) {
            NDArray[] buffers = new NDArray[stateCount()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = manager.zeros(parameter.getArray().getShape());
            }
            state.put(parameter, buffers);
        }
    }

    /** One step over every trainable parameter, then its gradient zeroed, as {@code zero_grad()} would. */
    void step(List<Parameter> parameters, int stepNumber) {
        for (Parameter parameter : parameters) {
            NDArray gradient = parameter.getArray().getGradient();
            // a detached view: PyTorch refuses in-place changes of a leaf that requires grad under grad mode,
            // and the decay term made from it records no graph for the state it is added into to keep alive
            NDArray weight = parameter.getArray().stopGradient();
            NDArray decayed = weightDecay == 0 ? gradient : gradient.add(weight.mul(weightDecay));
            update(weight, decayed, state.get(parameter), stepNumber);
            gradient.subi(gradient);
        }
    }

    abstract int stateCount();

    abstract void update(NDArray weight, NDArray gradient, NDArray[] state, int stepNumber);

    /** buf = momentum·buf + g (buf = g at the first step); w −= lr·buf. */
    static final class Sgd extends NetworkOptimizer {

        private final double momentum;

        Sgd(double learningRate, double weightDecay, double momentum) {
            super(learningRate, weightDecay);
            this.momentum = momentum;
        }

        @Override
        int stateCount() {
            return momentum == 0 ? 0 : 1;
        }

        @Override
        void update(NDArray weight, NDArray gradient, NDArray[] state, int stepNumber) {
            NDArray direction = gradient;
            if (momentum != 0) {
                // a zero buffer times momentum plus g is exactly g: PyTorch's first step
                direction = state[0].muli(momentum).addi(gradient);
            }
            weight.subi(direction.mul(learningRate));
        }
    }

    /**
     * m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
     * w −= lr / (1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε).
     */
    static final class Adam extends NetworkOptimizer {

        private final double beta1;
        private final double beta2;
        private final double eps;

        Adam(double learningRate, double weightDecay, double beta1, double beta2, double eps) {
            super(learningRate, weightDecay);
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.eps = eps;
        }

        @Override
        int stateCount() {
            return 2;
        }

        @Override
        void update(NDArray weight, NDArray gradient, NDArray[] state, int stepNumber) {
            NDArray mean = state[0].muli(beta1).addi(gradient.mul(1 - beta1));
            NDArray square = state[1].muli(beta2).addi(gradient.mul(gradient).muli(1 - beta2));
            double stepSize = learningRate / (1 - Math.pow(beta1, stepNumber));
            double correction = Math.sqrt(1 - Math.pow(beta2, stepNumber));
            NDArray denominator = square.sqrt().divi(correction).addi(eps);
            weight.subi(mean.div(denominator).muli(stepSize));
        }
    }
}
