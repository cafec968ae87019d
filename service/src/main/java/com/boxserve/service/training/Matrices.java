package com.boxserve.service.training;

import com.boxserve.service.failure.ServiceFailure;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pooling input: one 2-D array of numbers, or a list of them (a batch), each a rectangle of the
 * same size, as {@code F.max_pool2d} takes an [H, W] tensor or a batch of them.
 */
public record Matrices(double[][][] values) {

    private static final String SHAPE = "must be a 2-D array of numbers, or a list of them";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Matrices of(JsonNode node) {
        if (!node.isArray() || node.isEmpty()) {
            throw ServiceFailure.invalid("is empty or not an array: it " + SHAPE);
        }
        boolean batched = node.get(0).isArray() && !node.get(0).isEmpty() && node.get(0).get(0).isArray();
        int count = batched ? node.size() : 1;
        double[][][] values = new double[count][][];
        for (int m = 0; m < count; m++) {
            JsonNode matrix = batched ? node.get(m) : node;
            if (!matrix.isArray() || matrix.isEmpty()) {
                throw ServiceFailure.invalid(SHAPE);
            }
            values[m] = new double[matrix.size()][];
            for (int r = 0; r < matrix.size(); r++) {
                JsonNode row = matrix.get(r);
                if (!row.isArray()) {
                    throw ServiceFailure.invalid(SHAPE);
                }
                values[m][r] = new double[row.size()];
                for (int c = 0; c < row.size(); c++) {
                    values[m][r][c] = FeatureRow.finite(row.get(c));
                }
                if (row.isEmpty() || row.size() != values[0][0].length || matrix.size() != values[0].length) {
                    throw ServiceFailure.invalid("every input must be a rectangle of the same size");
                }
            }
        }
        return new Matrices(values);
    }

    int rows() {
        return values[0].length;
    }

    int columns() {
        return values[0][0].length;
    }

    long size() {
        return (long) values.length * rows() * columns();
    }
}
