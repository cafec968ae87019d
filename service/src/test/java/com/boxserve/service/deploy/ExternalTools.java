package com.boxserve.service.deploy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;

/** Programs some tests drive; CI installs them ({@code -Dtools.required=true} makes their absence a failure). */
public final class ExternalTools {

    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private ExternalTools() {
    }

    public static Path require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String reason = program + " is not installed (Debian package " + debianPackage + ")";
        if (Boolean.getBoolean("tools.required")) {
            fail(reason);
        }
        abort(reason);
        return null;
    }
}
