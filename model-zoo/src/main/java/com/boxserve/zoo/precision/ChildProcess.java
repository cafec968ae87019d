package com.boxserve.zoo.precision;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A child process run to its end or to a time limit, whichever comes first. Its output, standard
 * error included, goes to a file rather than a pipe, so that waiting has a limit (reading a pipe
 * to its end has none) and the child never blocks on a full pipe.
 *
 * @param exit its exit status, or -1 where it ran past the limit
 * @param timedOut whether it ran past the limit (it is killed then)
 * @param output what it printed
 */
record ChildProcess(int exit, boolean timedOut, String output) {

    static ChildProcess run(ProcessBuilder builder, Duration limit) throws IOException, InterruptedException {
        Path log = Files.createTempFile("boxserve-child-", ".log");
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
                return new ChildProcess(finished ? process.exitValue() : -1, !finished,
                        new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
            } finally {
                // nothing once it has exited; a child past its limit, or of an interrupted wait, does not outlive the call
                process.destroyForcibly();
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
