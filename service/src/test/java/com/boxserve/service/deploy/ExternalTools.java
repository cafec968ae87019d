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

    /** Debian's Python 3 ({@code /usr/bin/python3}, not a virtual environment's), able to import {@code module}. */
    public static Path requirePython(String module, String debianPackage) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        if (Files.isExecutable(python)) {
            Process check = new ProcessBuilder(python.toString(), "-c", "import " + module).redirectErrorStream(true)
                    .start();
            check.getInputStream().readAllBytes();
            if (check.waitFor() == 0) {
                return python;
            }
        }
        missing("/usr/bin/python3 cannot import " + module + " (Debian package " + debianPackage + ")");
        return null;
    }

    public static Path require(String program, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        missing(program + " is not installed (Debian package " + debianPackage + ")");
        return null;
    }

    private static void missing(String reason) {
        if (Boolean.getBoolean("tools.required")) {
            fail(reason);
        }
        abort(reason);
    }
}
