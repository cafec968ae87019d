package com.boxserve.service.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The queue alone: when a background job's turn comes beside live work. */
class JobQueueTest {

    record Entry(String name, Priority priority, boolean background) implements JobQueue.Queued {
        static Entry live(String name) {
            return new Entry(name, Priority.LOW, false);
        }

        static Entry background(String name) {
            return new Entry(name, Priority.LOW, true);
        }
    }

    @Test
    void backgroundWorkWaitsForTheQuietAfterLiveWorkAndLowLiveWorkGoesFirst() throws Exception {
        JobQueue<Entry> queue = new JobQueue<>(null, Duration.ofMillis(500), Duration.ofHours(1));
        Entry first = Entry.background("first");
        queue.add(first);
        assertNull(queue.pollLive(0, TimeUnit.MILLISECONDS, job -> true), "a batch's poll never takes background work");
        assertSame(first, queue.poll(0, TimeUnit.MILLISECONDS), "on an idle queue background work starts at once");

        Entry waiting = Entry.background("waiting");
        queue.add(waiting);
        Entry live = Entry.live("live");
        queue.add(live);
        assertSame(live, queue.poll(0, TimeUnit.MILLISECONDS), "live work of the low class goes before background work");
        queue.liveFinished();
        long finished = System.nanoTime();
        assertNull(queue.poll(100, TimeUnit.MILLISECONDS), "not within the quiet after live work finished");
        assertEquals(1, queue.size(), "the waiting background job is counted");
        assertSame(waiting, queue.poll(2, TimeUnit.SECONDS));
        assertEquals(0, queue.size());
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - finished);
        assertEquals(500, waited, 250, "taken once the quiet was over: " + waited + " ms after live work finished");
    }

    @Test
    void backgroundWorkGetsATurnAtLeastSoOftenEvenAheadOfWaitingLiveWork() throws Exception {
        JobQueue<Entry> queue = new JobQueue<>(null, Duration.ofHours(1), Duration.ofMillis(300));
        queue.add(Entry.background("first"));
        queue.poll(0, TimeUnit.MILLISECONDS);
        Entry waiting = Entry.background("waiting");
        queue.add(waiting);
        long started = System.nanoTime();
        Entry taken = null;
        // an overloaded model: a live job always waits, so the quiet never comes
        queue.add(Entry.live("live"));
        while (taken == null && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3)) {
            queue.add(Entry.live("live"));
            Entry next = queue.poll(0, TimeUnit.MILLISECONDS);
            queue.liveFinished();
            if (next.background()) {
                taken = next;
            }
            Thread.sleep(5);
        }
        assertSame(waiting, taken);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(300, waited, 150, "its turn came " + waited + " ms after the last background job, not at the quiet");
    }
}
