package com.boxserve.service.training;

/** A run whose loss became NaN or infinite: the data are fine, the learning rate is too high. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(int epoch, double learningRate) {
        super("the loss became " + "non-finite at epoch " + epoch + ": the learning rate " + learningRate
                + " is too high for this data; try a smaller one");
    }
}
