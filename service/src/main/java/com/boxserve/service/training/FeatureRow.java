package com.boxserve.service.training;

import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One sample's features: a bare number is a sample of one feature, as {@code torch.tensor(2.0)}
 * is a scalar; an array holds one value per feature. Every value is a finite number.
 */
public record FeatureRow(double[] values) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static FeatureRow of(JsonNode node) {
        if (node.isArray()) {
            double[] values = new double[node.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = finite(node.get(i));
            }
            return new FeatureRow(values);
        }
        return new FeatureRow(new double[] {finite(node)});
    }

    /** Also used by the pooling input: one place says what a number of a tensor may be. */
    static double finite(JsonNode value) {
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            throw ServiceFailure.invalid("must hold finite numbers; found " + value);
        }
        return value.doubleValue();
    }

    int size() {
        return values.length;
    }
}
