package com.boxserve.service.workload;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool's waiting jobs: one lane per {@link Priority}, the highest lane served first. Within a lane
 * jobs are taken oldest-first, or, with adaptive LIFO on, newest-first while the queue is standing:
 * it has not been empty for {@code standingAfter} (CoDel's interval). Under a standing queue the
 * oldest jobs are the ones that will be late anyway; serving the newest keeps the served ones' wait
 * short while the pool's time bound sheds the old ones (Facebook's adaptive LIFO with CoDel).
 *
 * @param <J> a queued job
 */
final class JobQueue<J extends JobQueue.Queued> {

    /** What the queue needs to know of a job. */
    interface Queued {
        Priority priority();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final Map<Priority, ArrayDeque<J>> lanes = new EnumMap<>(Priority.class);
    /** Null: always oldest-first. */
    private final Long standingAfterNanos;
    private int size;
    private long lastEmptyNanos = System.nanoTime();

    JobQueue(Long standingAfterNanos) {
        this.standingAfterNanos = standingAfterNanos;
        for (Priority priority : Priority.values()) {
            lanes.put(priority, new ArrayDeque<>());
        }
    }

    void add(J job) {
        lock.lock();
        try {
            arriving();
            lanes.get(job.priority()).addLast(job);
            size++;
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    /** A job taken but not run (a batch could not share it) goes back to where it is taken next. */
    void putBack(J job) {
        lock.lock();
        try {
            arriving();
            if (newestFirst()) {
                lanes.get(job.priority()).addLast(job);
            } else {
                lanes.get(job.priority()).addFirst(job);
            }
            size++;
            waiting.signal();
        } finally {
            lock.unlock();
        }
    }

    boolean remove(J job) {
        lock.lock();
        try {
            boolean removed = lanes.get(job.priority()).removeFirstOccurrence(job);
            if (removed) {
                taken();
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** The next job by class, then by the lane's order; null when none came within the timeout. */
    J poll(long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                if (left <= 0) {
                    return null;
                }
                left = waiting.awaitNanos(left);
            }
            boolean newestFirst = newestFirst();
            for (ArrayDeque<J> lane : lanes.values()) {
                if (!lane.isEmpty()) {
                    J job = newestFirst ? lane.pollLast() : lane.pollFirst();
                    taken();
                    return job;
                }
            }
            throw new IllegalStateException("a queue of " + size + " with every lane empty");
        } finally {
            lock.unlock();
        }
    }

    /** Takes every waiting job out, highest class first. */
    List<J> drain() {
        lock.lock();
        try {
            List<J> all = new ArrayList<>();
            lanes.values().forEach(lane -> {
                all.addAll(lane);
                lane.clear();
            });
            size = 0;
            lastEmptyNanos = System.nanoTime();
            return all;
        } finally {
            lock.unlock();
        }
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Whether jobs are taken newest-first now: adaptive LIFO on, and no moment without a waiting job for its interval. */
    boolean newestFirst() {
        lock.lock();
        try {
            return standingAfterNanos != null && size > 0 && System.nanoTime() - lastEmptyNanos > standingAfterNanos;
        } finally {
            lock.unlock();
        }
    }

    /** An empty queue was empty until this moment, however long ago it emptied. */
    private void arriving() {
        if (size == 0) {
            lastEmptyNanos = System.nanoTime();
        }
    }

    private void taken() {
        if (--size == 0) {
            lastEmptyNanos = System.nanoTime();
        }
    }
}
