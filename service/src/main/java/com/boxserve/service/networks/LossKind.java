package com.boxserve.service.networks;

import com.boxserve.service.failure.ServiceFailure;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/** The losses, each computed as its PyTorch namesake computes it with reduction 'mean'. */
enum LossKind {

    /** {@code torch.nn.MSELoss}. */
    MSE("mse", false),
    /** {@code torch.nn.L1Loss}. */
    L1("l1", false),
    /** {@code torch.nn.CrossEntropyLoss} on logits [N, C] and class indices [N]. */
    CROSS_ENTROPY("crossEntropy", true),
    /** {@code torch.nn.BCEWithLogitsLoss} on logits and targets in [0, 1]. */
    BCE("bce", true);

    private final String id;
    private final boolean classification;

    LossKind(String id, boolean classification) {
        this.id = id;
        this.classification = classification;
    }

    String id() {
        return id;
    }

    /** Whether accuracy means something: the share of classes (or of 0/1 labels) predicted right. */
    boolean classification() {
        return classification;
    }

    static LossKind named(String name) {
        for (LossKind kind : values()) {
            if (kind.id.equals(name)) {
                return kind;
            }
        }
        throw ServiceFailure.invalid("loss must be one of "
                + Arrays.stream(values()).map(LossKind::id).toList() + ", not " + name);
    }

    /** The shape one sample's target has, given the network's output per sample. */
    Shape targetShape(Shape output) {
        if (this == CROSS_ENTROPY) {
            if (output.dimension() != 1 || output.get(0) < 2) {
                throw ServiceFailure.invalid("crossEntropy needs one score per class, an output of [classes]"
                        + " with at least 2; the network gives " + output);
            }
            return new Shape();
        }
        return output;
    }

    /**
     * The loss of a batch. {@code target} is the one-hot of the class indices for crossEntropy, so
     * that the sum over classes picks each sample's log-probability, as nll_loss does.
     */
    NDArray compute(NDArray output, NDArray target) {
        return switch (this) {
            case MSE -> output.sub(target).square().mean();
            case L1 -> output.sub(target).abs().mean();
            case CROSS_ENTROPY -> output.logSoftmax(1).mul(target).sum(new int[] {1}).neg().mean();
            // ATen's formula: (1 − y)·x + m + log(e^−m + e^(−x−m)) with m = max(−x, 0), which never overflows
            case BCE -> {
                NDArray max = output.neg().maximum(Scalars.of(output, 0));
                yield target.neg().add(1).mul(output).add(max)
                        .add(max.neg().exp().add(output.neg().sub(max).exp()).log()).mean();
            }
        };
    }

    /** How many of the batch's predictions are right (for bce, how many of its values), or 0 for a regression. */
    long correct(NDArray output, NDArray target) {
        return switch (this) {
            case CROSS_ENTROPY -> output.argMax(1).eq(target.argMax(1)).countNonzero().getLong();
            case BCE -> output.gt(0).eq(target.gt(0.5)).countNonzero().getLong();
            default -> 0;
        };
    }
}
