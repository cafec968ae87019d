package com.boxserve.service.workload;

/** A model's queue is full: the caller should retry later. */
public class QueueFullException extends RuntimeException {

    public QueueFullException(String model, int capacity) {
        super(model + " is busy: its queue of " + capacity + " requests is full");
    }
}
