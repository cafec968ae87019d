package com.boxserve.zoo.precision;

import com.boxserve.zoo.ModelDirectory;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a model directory's bf16 model beside its fp32 TorchScript one with {@code bf16_torchscript.py}
 * (the backbone, FPN and heads in bfloat16, from the fp32 model's own weights) and records it, with
 * the agreement the script measured on the export's reference images and {@link Agreement#SCENES}
 * generated scenes, in {@code detector.json} ({@code artifacts."torchscript-bf16"}). Nothing to
 * calibrate: bf16 keeps fp32's exponent range and rounds the mantissa to 8 bits. Each model made is
 * tried on this CPU's libtorch in a child JVM ({@link TorchScriptTrial}) before it is recorded.
 *
 * <p>Argument: the model directory; the exporter as {@link ExporterTools#fromEnvironment()} finds it.
 */
public final class Bf16Export {

    public static final String CHANNELS_LAST = "channels-last";
    /** Channels-last with each 1x1 convolution a matrix product: oneDNN's 1x1 convolution crashes on a VM that hides its cache sizes. */
    public static final String CHANNELS_LAST_MATMUL = "channels-last-matmul";
    public static final String NCHW = "nchw";

    /** In order of preference; NCHW, slower still, only where libtorch fails both channels-last models. */
    private static final List<String> LAYOUTS = List.of(CHANNELS_LAST, CHANNELS_LAST_MATMUL, NCHW);

    private static final Logger log = LoggerFactory.getLogger(Bf16Export.class);

    private Bf16Export() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: Bf16Export MODEL_DIR");
            System.exit(2);
        }
        System.out.println(new Gson().toJson(export(Path.of(args[0]), ExporterTools.fromEnvironment())));
    }

    /**
     * Writes {@code NAME.bf16.pt} into the model directory and records it, with its agreement, in its
     * metadata; made in a scratch folder first, so that a failed export leaves the directory as it was.
     * The model is made channels-last, with its 1x1 convolutions as matrix products where libtorch fails
     * that on this CPU, and NCHW where it fails both; a CPU without
     * bf16 dot products will not serve it, so there it is not tried (libtorch would emulate bf16 slowly).
     */
    public static Bf16Artifact export(Path modelDirectory, ExporterTools tools) throws IOException, InterruptedException {
        boolean served = CpuFeatures.current().missingFor(Precision.BF16).isEmpty();
        return export(modelDirectory, tools, served ? TorchScriptTrial::failure : model -> Optional.empty());
    }

    /** As {@link #export(Path, ExporterTools)}, with the trial that tells whether a made model runs here. */
    public static Bf16Artifact export(Path modelDirectory, ExporterTools tools, Trial trial) throws IOException, InterruptedException {
        String file = ModelDirectory.open(modelDirectory).metadata().name() + ".bf16.pt";
        Path work = Files.createTempDirectory("bf16-export-");
        try {
            Path made = work.resolve(file);
            List<String> failures = new ArrayList<>();
            for (String layout : LAYOUTS) {
                // tried before its agreement is measured: where libtorch fails a layout, measuring it
                // (minutes for a ResNet-50 model) would be wasted
                run(tools, modelDirectory, made, layout, "make");
                Optional<String> failed = trial.failure(made);
                if (failed.isEmpty()) {
                    Bf16Artifact artifact = run(tools, modelDirectory, made, layout, "measure");
                    Files.move(made, modelDirectory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    ModelDirectory.record(modelDirectory, ModelDirectory.BF16_ARTIFACT, artifact);
                    return artifact;
                }
                log.warn("{}: libtorch fails the {} bf16 model on this CPU: {}", file, layout, failed.get());
                failures.add(layout + " (" + failed.get() + ")");
            }
            throw new IOException("libtorch cannot run the bf16 model on this CPU, " + String.join(" or ", failures));
        } finally {
            ExporterTools.deleteScratch(work);
        }
    }

    /** One step of bf16_torchscript.py: {@code make} the model, or {@code measure} the agreement of the one made. */
    private static Bf16Artifact run(ExporterTools tools, Path modelDirectory, Path made, String layout, String step)
            throws IOException, InterruptedException {
        String output = tools.run(tools.script("bf16_torchscript.py"), "--scenes", Integer.toString(Agreement.SCENES),
                "--layout", layout, "--step", step, modelDirectory.toString(), made.toString());
        String result = output.lines().filter(line -> line.startsWith("{")).reduce((first, last) -> last)
                .orElseThrow(() -> new IOException("bf16_torchscript.py printed no result: " + output.strip()));
        Bf16Artifact artifact = new Gson().fromJson(result, Bf16Artifact.class);
        if (!made.getFileName().toString().equals(artifact.file()) || !layout.equals(artifact.layout())
                || (step.equals("measure") && artifact.agreement() == null) || !Files.isRegularFile(made)) {
            throw new IOException("bf16_torchscript.py --step " + step + " gave no model, another layout or no agreement: "
                    + result);
        }
        return artifact;
    }

    /** Runs a made model on this machine's libtorch. */
    @FunctionalInterface
    public interface Trial {

        /** Why the model fails to run here, or empty where it runs. */
        Optional<String> failure(Path model) throws IOException, InterruptedException;
    }
}
