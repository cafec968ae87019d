package com.boxserve.service.training;

import java.util.Arrays;
import java.util.List;

/** The classic PyTorch teaching examples, as presets of the training API. */
enum TrainingExamples {
    AUTOGRAD("autograd", "y = x^2 + 3x + 4 at x = 2: y = 14, dy/dx = 2x + 3 = 7, by autograd"),
    LINEAR_REGRESSION_AUTOGRAD("linear-regression-autograd",
            "X = [1, 2, 3, 4], Y = [3, 5, 7, 9] (y = 2x + 1) from a random start (seed 42), lr 0.01, 1000 epochs, autograd"),
    LINEAR_REGRESSION_MANUAL("linear-regression-manual",
            "X = [1, 2, 3, 4, 5], Y = [6, 11, 16, 21, 26] (y = 5x + 1) from w = b = 0, lr 0.01, 10000 epochs, hand-written gradients");

    static final String AUTOGRAD_EXPRESSION = "x^2 + 3*x + 4";

    private final String id;
    private final String description;

    TrainingExamples(String id, String description) {
        this.id = id;
        this.description = description;
    }

    String id() {
        return id;
    }

    String description() {
        return description;
    }

    /** The regression a preset runs (not for {@link #AUTOGRAD}). */
    LinearRegressionRequest regression() {
        return switch (this) {
            case LINEAR_REGRESSION_AUTOGRAD -> new LinearRegressionRequest(column(1, 2, 3, 4), List.of(3.0, 5.0, 7.0, 9.0),
                    0.01, 1000, "autograd", null, null, 42L);
            case LINEAR_REGRESSION_MANUAL -> new LinearRegressionRequest(column(1, 2, 3, 4, 5),
                    List.of(6.0, 11.0, 16.0, 21.0, 26.0), 0.01, 10000, "manual", List.of(0.0), 0.0, null);
            case AUTOGRAD -> throw new IllegalStateException("the autograd example is no regression");
        };
    }

    static TrainingExamples find(String id) {
        for (TrainingExamples example : values()) {
            if (example.id.equals(id)) {
                return example;
            }
        }
        return null;
    }

    /** Samples of one feature each. */
    private static List<FeatureRow> column(double... values) {
        return Arrays.stream(values).mapToObj(v -> new FeatureRow(new double[] {v})).toList();
    }
}
