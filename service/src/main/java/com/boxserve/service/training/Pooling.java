package com.boxserve.service.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** 2-D max and min pooling on the engine; min pooling is the maximum of the negated input, negated. */
final class Pooling {

    enum Mode { MAX, MIN }

    private Pooling() {
    }

    /** Pools each of {@code inputs} ([batch][rows][columns]) with no padding, windows that fit only. */
    static double[][][] pool(double[][][] inputs, Mode mode, int kernelRows, int kernelColumns, int strideRows,
            int strideColumns) {
        int batch = inputs.length;
        int rows = inputs[0].length;
        int columns = inputs[0][0].length;
        double[] flat = new double[batch * rows * columns];
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(inputs[b][r], 0, flat, (b * rows + r) * columns, columns);
            }
        }
        try (NDManager manager = Engines.newManager()) {
            NDArray input = manager.create(flat, new Shape(batch, 1, rows, columns));
            Shape kernel = new Shape(kernelRows, kernelColumns);
            Shape stride = new Shape(strideRows, strideColumns);
            Shape padding = new Shape(0, 0);
            NDArray output = mode == Mode.MAX
                    ? Pool.maxPool2d(input, kernel, stride, padding, false)
                    : Pool.maxPool2d(input.neg(), kernel, stride, padding, false).neg();
            long outRows = output.getShape().get(2);
            long outColumns = output.getShape().get(3);
            double[] values = output.toDoubleArray();
            double[][][] result = new double[batch][(int) outRows][(int) outColumns];
            for (int b = 0; b < batch; b++) {
                for (int r = 0; r < outRows; r++) {
                    System.arraycopy(values, (int) ((b * outRows + r) * outColumns), result[b][r], 0, (int) outColumns);
                }
            }
            return result;
        }
    }
}
