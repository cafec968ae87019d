package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;

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
}
