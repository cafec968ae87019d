package com.boxserve.zoo.precision;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Runs a TorchScript detector's forwards on DJL's PyTorch engine in a child JVM, so that libtorch
 * crashing on this CPU fails the trial instead of the JVM that asked. oneDNN's channels-last
 * convolutions crashed the JVM on one CPU of this project (a Zen 5 under KVM, in the blocking
 * heuristic of a 1 x 1 convolution; tried.md) and run on others: only running them tells.
 *
 * <p>The child runs the raw TorchScript module, not a {@code Detector}, which would refuse a bf16
 * model on a CPU without bf16 dot products before running it; it takes the caller's classpath, so
 * it works from a plain classpath (Maven, {@code bin/quantize}), not from inside the service's jar.
 */
public final class TorchScriptTrial {

    /** libtorch's graph executor profiles the first two forwards and runs its optimised graph from the third. */
    static final int FORWARDS = 3;

    /** A ResNet-50 model's trial takes seconds where the CPU has the instructions; a hang must not hold the export. */
    static final Duration LIMIT = Duration.ofMinutes(5);

    /** Printed once DJL's PyTorch engine is up: a failure before it is the trial's set-up, not the model. */
    static final String ENGINE_READY = "trial: engine ready";

    private static final String FAILED = "trial failed: ";
    private static final int REASON_LINES = 12;

    /** A JVM crash report's signal, problematic native frame and report file: the reason, where there is one. */
    private static final Pattern CRASH_LINE = Pattern.compile("^#\\s+(SIG[A-Z]+ |[CjJV]\\s+\\[|/)");

    private TorchScriptTrial() {
    }

    /** Argument: the TorchScript file. Exits non-zero, or is killed by a signal, where it fails. */
    public static void main(String[] args) {
        try {
            Engine.getEngine("PyTorch");
            System.out.println(ENGINE_READY);
            System.out.flush();
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
        } catch (Exception e) {
            System.out.println(FAILED + e);
            System.exit(1);
        }
    }

    /**
     * Why the file's forwards fail on this CPU, or empty where they run. The child has this JVM's
     * {@code ai.djl.*} settings (libtorch's thread counts among them: oneDNN picks its kernels by
     * them); a crash report goes to the temporary folder and is named in the reason.
     *
     * @throws IOException where the child could not start DJL's PyTorch engine at all
     */
    public static Optional<String> failure(Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "boxserve-trial-hs_err_pid%p.log"),
                "-XX:-CreateCoredumpOnCrash", "-Dai.djl.offline=true"));
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("ai.djl.")).sorted()
                .forEach(name -> command.add("-D" + name + "=" + System.getProperty(name)));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TorchScriptTrial.class.getName(), file.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        ChildProcess trial = ChildProcess.run(builder, LIMIT);
        if (!trial.output().contains(ENGINE_READY)) {
            throw new IOException("the trial's JVM did not start DJL's PyTorch engine: " + reason(trial.output()));
        }
        if (trial.timedOut()) {
            return Optional.of("no end to " + FORWARDS + " forwards in " + LIMIT.toMinutes() + " minutes");
        }
        return trial.exit() == 0 ? Optional.empty() : Optional.of("exit " + trial.exit() + ": " + reason(trial.output()));
    }

    /** The lines of a failed trial's output that say why: a crash report's, its own failure, or the last ones. */
    public static String reason(String output) {
        List<String> lines = output.strip().lines().toList();
        List<String> said = lines.stream().filter(line -> CRASH_LINE.matcher(line).find() || line.startsWith(FAILED)).toList();
        return String.join("\n", said.isEmpty() ? lines.subList(Math.max(0, lines.size() - REASON_LINES), lines.size()) : said);
    }
}
