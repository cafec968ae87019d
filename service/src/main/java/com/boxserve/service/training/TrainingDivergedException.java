package com.boxserve.service.training;

/** A run whose loss became NaN or infinite: the data are fine, the learning rate is too high. */
public class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(int epoch, double learningRate) {
        super("the loss became " + "non-finite at epoch " + epoch + ": the learning rate " + learningRate
                + " is too high for this data; try a smaller one");
    }

    /** A network's run, where a rate too high is the likely cause but not the only one: the step says where. */
    public TrainingDivergedException(int epoch, int step, double learningRate) {
        super("the loss became non-finite at epoch " + epoch + " (optimizer step " + step + "): most often the learning"
                + " rate " + learningRate + " is too high for this network and data; try a smaller one");
    }
}
