package com.boxserve.service.workload;

/** A job that takes as many milliseconds as its input says, and answers them: service time on demand. */
public final class SleepingRunner implements WorkerPool.Runner<Integer, Integer> {

    @Override
    public Integer run(Integer millis) throws InterruptedException {
        Thread.sleep(millis);
        return millis;
    }

    @Override
    public void close() {
    }
}
