package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.boxserve.zoo.precision.ExporterTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the exported test models are: {@code -Dmodels.dir}, written by {@code bin/export-test-models}. */
final class TestModels {

    private TestModels() {
    }

    /** The model's directory; skips the test (fails it, with {@code -Dmodels.required=true}) where it was not exported. */
    static ModelDirectory directory(String name) {
        String root = System.getProperty("models.dir", "build/models");
        Path path = Path.of(root).resolve(name);
        if (!Files.isRegularFile(path.resolve(ModelDirectory.METADATA_FILE))) {
            String reason = "no exported model at " + path.toAbsolutePath()
                    + ": run bin/export-test-models (needs python3-torchvision)";
            if (Boolean.getBoolean("models.required")) {
                fail(reason);
            }
            abort(reason);
        }
        return ModelDirectory.open(path);
    }

    /** The exporter's scripts from this module's folder, run by {@code PYTHON} (default Debian's). */
    static ExporterTools exporterTools() {
        return ExporterTools.at(Path.of("exporter"));
    }

    /**
     * The exported model in a folder of its own, for an export that adds to it: the model files linked
     * (read only), {@code detector.json} copied, since the reduced-precision exports rewrite it.
     */
    static Path copyForExport(String name, Path into) throws IOException {
        try (Stream<Path> files = Files.list(directory(name).path())) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().equals(ModelDirectory.METADATA_FILE)) {
                    Files.copy(file, into.resolve(file.getFileName()));
                } else {
                    Files.createSymbolicLink(into.resolve(file.getFileName()), file.toAbsolutePath());
                }
            }
        }
        return into;
    }
}
