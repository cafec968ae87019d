package com.boxserve.service.workload;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A pool's waiting jobs: one lane per {@link Priority}, the highest lane served first. Within a lane
 * jobs are taken oldest-first, or, with adaptive LIFO on, newest-first while the queue is standing:
 * it has not been empty for {@code standingAfter} (CoDel's interval). Under a standing queue the
 * oldest jobs are the ones that will be late anyway; serving the newest keeps the served ones' wait
 * short while the pool's time bound sheds the old ones (Facebook's adaptive LIFO with CoDel).
 *
 * <p>Background jobs (an evaluation's images) wait in a lane of their own, taken only once no live
 * job has arrived, been taken or finished for {@code liveQuiet}: a worker that took background
 * work the moment the live lanes were empty would start a forward just as the next request of a
 * client in a closed loop arrives, and make nearly every live answer wait a forward longer. So
 * that a model never idle for that long still gets through its background work, one background
 * job is taken at least every {@code backgroundEvery}, ahead of waiting live jobs if need be.
 *
 * @param <J> a queued job
 */
final class JobQueue<J extends JobQueue.Queued> {

    /** What the queue needs to know of a job. */
    interface Queued {
        Priority priority();

        boolean background();
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition waiting = lock.newCondition();
    private final Map<Priority, ArrayDeque<J>> lanes = new EnumMap<>(Priority.class);
    private final ArrayDeque<J> background = new ArrayDeque<>();
    /** Null: always oldest-first. */
    private final Long standingAfterNanos;
    private final long liveQuietNanos;
    private final long backgroundEveryNanos;
    /** Live jobs waiting: whether the queue stands is theirs alone. */
    private int liveSize;
    private long lastEmptyNanos = System.nanoTime();
    private long lastLiveNanos;
    private long lastBackgroundNanos;

    JobQueue(Long standingAfterNanos, Duration liveQuiet, Duration backgroundEvery) {
        this.standingAfterNanos = standingAfterNanos;
        this.liveQuietNanos = liveQuiet.toNanos();
        this.backgroundEveryNanos = backgroundEvery.toNanos();
        // as if the last of each was long ago: background work starts at once on an idle model
        this.lastLiveNanos = System.nanoTime() - liveQuietNanos;
        this.lastBackgroundNanos = System.nanoTime() - backgroundEveryNanos;
        for (Priority priority : Priority.values()) {
            lanes.put(priority, new ArrayDeque<>());
        }
    }

    void add(J job) {
        lock.lock();
        try {
            if (job.background()) {
                background.addLast(job);
            } else {
                arriving();
                lastLiveNanos = System.nanoTime();
                lanes.get(job.priority()).addLast(job);
            }
            // all: a worker gathering a batch that this job may not join leaves it to another
            waiting.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A live job has just finished: background work waits for the quiet after it. */
    void liveFinished() {
        lock.lock();
        try {
            lastLiveNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
    }

    boolean remove(J job) {
        lock.lock();
        try {
            boolean removed = (job.background() ? background : lanes.get(job.priority())).removeFirstOccurrence(job);
            if (removed) {
                taken(job);
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next job: a background job whose {@code backgroundEvery} has come, else the next live job
     * by class, then by the lane's order, else a background job once live work has been quiet;
     * null when none came within the timeout.
     */
    J poll(long timeout, TimeUnit unit) throws InterruptedException {
        return poll(timeout, unit, true, job -> true);
    }

    /**
     * A live job that may join a batch ({@code fits}), never a background one: the first that fits,
     * by class, then by the lane's order, passing over those that do not fit (they stay where they
     * are for any other worker); null when none that fits came within the timeout.
     */
    J pollLive(long timeout, TimeUnit unit, Predicate<? super J> fits) throws InterruptedException {
        return poll(timeout, unit, false, fits);
    }

    private J poll(long timeout, TimeUnit unit, boolean backgroundToo, Predicate<? super J> fits)
            throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (true) {
                long now = System.nanoTime();
                boolean backgroundWaits = backgroundToo && !background.isEmpty();
                if (backgroundWaits && now - lastBackgroundNanos >= backgroundEveryNanos) {
                    return takeBackground(now);
                }
                J job = liveSize > 0 ? takeLive(fits) : null;
                if (job != null) {
                    lastLiveNanos = now;
                    return job;
                }
                long wait = end - now;
                if (backgroundWaits) {
                    long turn = Math.min(lastLiveNanos + liveQuietNanos, lastBackgroundNanos + backgroundEveryNanos) - now;
                    if (turn <= 0) {
                        return takeBackground(now);
                    }
                    wait = Math.min(wait, turn);
                }
                if (end - now <= 0) {
                    return null;
                }
                waiting.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The first live job that fits, by class, then by the lane's order; null if none does. */
    private J takeLive(Predicate<? super J> fits) {
        boolean newestFirst = newestFirst();
        for (ArrayDeque<J> lane : lanes.values()) {
            Iterator<J> order = newestFirst ? lane.descendingIterator() : lane.iterator();
            while (order.hasNext()) {
                J job = order.next();
                if (fits.test(job)) {
                    order.remove();
                    taken(job);
                    return job;
                }
            }
        }
        return null;
    }

    private J takeBackground(long now) {
        J job = background.pollFirst();
        lastBackgroundNanos = now;
        taken(job);
        return job;
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
            all.addAll(background);
            background.clear();
            liveSize = 0;
            lastEmptyNanos = System.nanoTime();
            return all;
        } finally {
            lock.unlock();
        }
    }

    /** Jobs waiting, background ones too. */
    int size() {
        lock.lock();
        try {
            return liveSize + background.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether jobs are taken newest-first now: adaptive LIFO on, and no moment without a waiting live job for its interval. */
    boolean newestFirst() {
        lock.lock();
        try {
            return standingAfterNanos != null && liveSize > 0 && System.nanoTime() - lastEmptyNanos > standingAfterNanos;
        } finally {
            lock.unlock();
        }
    }

    /** A live job arrives: an empty queue was empty until this moment, however long ago it emptied. */
    private void arriving() {
        if (liveSize++ == 0) {
            lastEmptyNanos = System.nanoTime();
        }
    }

    private void taken(J job) {
        if (!job.background() && --liveSize == 0) {
            lastEmptyNanos = System.nanoTime();
        }
    }
}
