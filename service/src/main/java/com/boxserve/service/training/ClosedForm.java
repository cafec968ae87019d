package com.boxserve.service.training;

import java.util.ArrayList;
import java.util.List;

/** Ordinary least squares with an intercept, from the normal equations, in plain double arithmetic. */
final class ClosedForm {

    private ClosedForm() {
    }

    /** The exact minimiser of the mean squared error, or null when the data do not determine one. */
    static LinearRegressionResult.ClosedForm solve(double[][] x, double[] y) {
        int n = x.length;
        int f = x[0].length;
        int k = f + 1;
        double[][] a = new double[k][k + 1];
        for (int i = 0; i < n; i++) {
            double[] row = augmented(x[i]);
            for (int r = 0; r < k; r++) {
                for (int c = 0; c < k; c++) {
                    a[r][c] += row[r] * row[c];
                }
                a[r][k] += row[r] * y[i];
            }
        }
        double scale = 0;
        for (int r = 0; r < k; r++) {
            scale = Math.max(scale, Math.abs(a[r][r]));
        }
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) <= 1e-12 * Math.max(scale, 1)) {
                return null; // collinear features, or fewer samples than unknowns
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double factor = a[r][col] / a[col][col];
                    for (int c = col; c <= k; c++) {
                        a[r][c] -= factor * a[col][c];
                    }
                }
            }
        }
        double[] theta = new double[k];
        for (int r = 0; r < k; r++) {
            theta[r] = a[r][k] / a[r][r];
        }
        double loss = 0;
        for (int i = 0; i < n; i++) {
            double[] row = augmented(x[i]);
            double prediction = 0;
            for (int c = 0; c < k; c++) {
                prediction += row[c] * theta[c];
            }
            loss += (prediction - y[i]) * (prediction - y[i]);
        }
        List<Double> weights = new ArrayList<>();
        for (int c = 0; c < f; c++) {
            weights.add(theta[c]);
        }
        return new LinearRegressionResult.ClosedForm(weights, theta[f], loss / n);
    }

    private static double[] augmented(double[] features) {
        double[] row = new double[features.length + 1];
        System.arraycopy(features, 0, row, 0, features.length);
        row[features.length] = 1;
        return row;
    }
}
