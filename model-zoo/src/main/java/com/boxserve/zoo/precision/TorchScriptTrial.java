package com.boxserve.zoo.precision;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs a TorchScript detector's forwards on DJL's PyTorch engine in a child JVM, so that libtorch
 * crashing on this CPU fails the trial instead of the JVM that asked. oneDNN's channels-last
 * convolutions crashed the JVM on one CPU of this project (a Zen 5 under KVM, in the blocking
 * heuristic of a 1 x 1 convolution; tried.md) and run on others: only running them tells.
 */
public final class TorchScriptTrial {

    /** libtorch's graph executor profiles the first two forwards and runs its optimised graph from the third. */
    static final int FORWARDS = 3;

    private static final int REASON_LINES = 12;

    /** A JVM crash report's signal line and its problematic native frame: the reason, where there is one. */
    private static final Pattern CRASH_LINE = Pattern.compile("^#\\s+(SIG[A-Z]+ |[CjJV]\\s+\\[)");

    private TorchScriptTrial() {
    }

    /** Argument: the TorchScript file. Exits non-zero, or is killed by a signal, where it fails. */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String name = file.getFileName().toString();
        try (Model model = Model.newInstance(name, "PyTorch")) {
            model.load(file.getParent(), name.substring(0, name.length() - ".pt".length()));
            try (Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
                    NDManager manager = NDManager.newBaseManager("PyTorch")) {
                for (int i = 0; i < FORWARDS; i++) {
                    predictor.predict(new NDList(manager.randomUniform(0, 1, new Shape(3, 480, 640))));
                }
            }
        }
    }

    /**
     * Why the file's forwards fail on this CPU, or empty where they run. The child JVM's crash
     * report, if any, goes beside the file.
     */
    public static Optional<String> failure(Path file) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-Dai.djl.offline=true",
                "-XX:ErrorFile=" + file.toAbsolutePath().getParent().resolve("hs_err_pid%p.log"),
                "-cp", System.getProperty("java.class.path"), TorchScriptTrial.class.getName(), file.toString()))
                .redirectErrorStream(true);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() == 0) {
            return Optional.empty();
        }
        List<String> lines = output.strip().lines().toList();
        List<String> crash = lines.stream().filter(line -> CRASH_LINE.matcher(line).find()).toList();
        List<String> reason = crash.isEmpty() ? lines.subList(Math.max(0, lines.size() - REASON_LINES), lines.size()) : crash;
        return Optional.of("exit " + process.exitValue() + ": " + String.join("\n", reason));
    }
}
