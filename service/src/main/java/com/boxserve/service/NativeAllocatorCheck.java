package com.boxserve.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Warns at start-up where libtorch's tensors are left to glibc's malloc. It gives large freed
 * blocks back to the kernel, so every forward page-faults its activations in again: the libtorch
 * forward of fasterrcnn_resnet50_fpn took 2.7 times as long on a 2-core VM (benchmarks/tried.md).
 * bin/serve and the container image preload tcmalloc; a service started another way says so here.
 */
@Component
public class NativeAllocatorCheck {

    private static final Logger log = LoggerFactory.getLogger(NativeAllocatorCheck.class);

    private static final Path MAPS = Path.of("/proc/self/maps");

    /** The allocator that keeps freed memory for the next request (jemalloc, tried, did not: tried.md). */
    private static final String KEEPING_ALLOCATOR = "tcmalloc";

    /** Read once: a preload is fixed when the process starts. */
    private static final Optional<String> LOADED_TCMALLOC = readLoadedTcmalloc();

    public NativeAllocatorCheck() {
        if (!Files.isReadable(MAPS)) {
            return; // not Linux, whose glibc this is about
        }
        Optional<String> allocator = loadedTcmalloc();
        if (allocator.isPresent()) {
            log.info("native allocator: {}", allocator.get());
        } else {
            log.warn("no tcmalloc is loaded: libtorch allocates with glibc's malloc, which hands freed activations back to the kernel:"
                    + " PyTorch forwards may run 2-3x slower. Preload tcmalloc as bin/serve and the container image do:"
                    + " LD_PRELOAD=libtcmalloc_minimal.so.4 (Debian: libtcmalloc-minimal4)");
        }
    }

    /** The tcmalloc this process has loaded, by its library's file name; empty where none is, or not on Linux. */
    public static Optional<String> loadedTcmalloc() {
        return LOADED_TCMALLOC;
    }

    private static Optional<String> readLoadedTcmalloc() {
        if (!Files.isReadable(MAPS)) {
            return Optional.empty();
        }
        try (Stream<String> lines = Files.lines(MAPS)) {
            return allocatorIn(lines);
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    /** The tcmalloc among the files of {@code /proc/<pid>/maps} lines. */
    static Optional<String> allocatorIn(Stream<String> mapsLines) {
        return mapsLines.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                .map(path -> path.substring(path.lastIndexOf('/') + 1))
                .filter(file -> file.contains(KEEPING_ALLOCATOR))
                .findFirst();
    }
}
