package com.boxserve.zoo.precision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the exporter's Python code is and which Python runs it: the reduced-precision exports run
 * its scripts.
 *
 * @param python the interpreter, with {@code onnx}, torch and the exporter's packages
 * @param exporter the folder of {@code export_detectors.py}, {@code quantize_onnx.py} and {@code bf16_torchscript.py}
 */
public record ExporterTools(String python, Path exporter) {

    /**
     * A hung interpreter must not hold {@code bin/quantize} forever; the largest model's export takes
     * minutes here, and int8 calibration grows with the folder of images a user gives.
     */
    private static final Duration LIMIT = Duration.ofHours(4);

    /** {@code PYTHON} (default {@code /usr/bin/python3}) and {@code -Dboxserve.exporter} (default {@code model-zoo/exporter}). */
    public static ExporterTools fromEnvironment() {
        return at(Path.of(System.getProperty("boxserve.exporter", "model-zoo/exporter")));
    }

    /** The exporter in this folder, run by {@code PYTHON} (default {@code /usr/bin/python3}). */
    public static ExporterTools at(Path exporter) {
        return new ExporterTools(System.getenv().getOrDefault("PYTHON", "/usr/bin/python3"), exporter);
    }

    /** Runs the interpreter with these arguments; its output, standard error included, or an exception with it. */
    String run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python));
        command.addAll(List.of(arguments));
        ChildProcess finished = ChildProcess.run(new ProcessBuilder(command), LIMIT);
        if (finished.exit() != 0) {
            throw new IOException(String.join(" ", command.subList(0, Math.min(3, command.size())))
                    + (finished.timedOut() ? " ran past " + LIMIT.toHours() + " hours" : " failed (exit " + finished.exit() + ")")
                    + ": " + finished.output().strip());
        }
        return finished.output();
    }

    /** Deletes an export's scratch folder and all in it. */
    static void deleteScratch(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /** A script of the exporter's folder. */
    String script(String name) {
        return exporter.resolve(name).toString();
    }
}
