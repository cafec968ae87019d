package com.boxserve.zoo.precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A child process ends on its own with its output, or is killed at its limit instead of being waited for. */
class ChildProcessTest {

    @Test
    void keepsTheOutputAndTheExitStatus() throws Exception {
        ChildProcess done = ChildProcess.run(new ProcessBuilder("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(30));

        assertEquals(3, done.exit());
        assertFalse(done.timedOut());
        assertEquals("out\nerr\n", done.output());
    }

    @Test
    void killsAChildPastItsLimit() throws Exception {
        long start = System.nanoTime();
        ChildProcess hung = ChildProcess.run(new ProcessBuilder("sh", "-c", "echo started; exec sleep 60"), Duration.ofMillis(500));

        assertTrue(hung.timedOut());
        assertEquals(-1, hung.exit());
        assertEquals("started\n", hung.output());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "not waited for to its end");
    }
}
