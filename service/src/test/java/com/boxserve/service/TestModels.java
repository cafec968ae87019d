package com.boxserve.service;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A models directory for service tests: the fastest exported model, linked from
 * {@code -Dmodels.dir}, and a copy of another whose TorchScript file is truncated, so one model
 * fails to load while the other serves.
 */
public final class TestModels {

    public static final String FAST = "fasterrcnn_mobilenet_v3_large_320_fpn";
    public static final String BROKEN = "fasterrcnn_mobilenet_v3_large_fpn";

    private TestModels() {
    }

    public static Path exported() {
        Path root = Path.of(System.getProperty("models.dir", "../build/models"));
        if (!Files.isRegularFile(root.resolve(FAST).resolve("detector.json"))) {
            String reason = "no exported models at " + root.toAbsolutePath() + ": run bin/export-test-models";
            if (Boolean.getBoolean("models.required")) {
                fail(reason);
            }
            abort(reason);
        }
        return root;
    }

    /** A fresh directory holding {@link #FAST} and a broken {@link #BROKEN}. */
    public static Path withOneBroken() {
        Path exported = exported();
        try {
            Path dir = Files.createTempDirectory("boxserve-models");
            Files.createSymbolicLink(dir.resolve(FAST), exported.resolve(FAST).toAbsolutePath());
            Path broken = Files.createDirectories(dir.resolve(BROKEN));
            try (Stream<Path> files = Files.list(exported.resolve(BROKEN))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.createSymbolicLink(broken.resolve(file.getFileName()), file.toAbsolutePath());
                }
            }
            Path pt = broken.resolve(BROKEN + ".pt");
            Files.delete(pt);
            Files.write(pt, "PK\u0003\u0004 not really a TorchScript archive".getBytes());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
