package com.boxserve.zoo.precision;

import com.boxserve.zoo.ModelDirectory;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Makes a model directory's bf16 model beside its fp32 TorchScript one with {@code bf16_torchscript.py}
 * (the backbone, FPN and heads in bfloat16, from the fp32 model's own weights) and records it, with
 * the agreement the script measured on the export's reference images and {@link Agreement#SCENES}
 * generated scenes, in {@code detector.json} ({@code artifacts."torchscript-bf16"}). Nothing to
 * calibrate: bf16 keeps fp32's exponent range and rounds the mantissa to 8 bits.
 *
 * <p>Argument: the model directory; the exporter as {@link ExporterTools#fromEnvironment()} finds it.
 */
public final class Bf16Export {

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
     */
    public static Bf16Artifact export(Path modelDirectory, ExporterTools tools) throws IOException, InterruptedException {
        String file = ModelDirectory.open(modelDirectory).metadata().name() + ".bf16.pt";
        Path work = Files.createTempDirectory("bf16-export-");
        try {
            Path made = work.resolve(file);
            String output = tools.run(tools.script("bf16_torchscript.py"), "--scenes", Integer.toString(Agreement.SCENES),
                    modelDirectory.toString(), made.toString());
            String result = output.lines().filter(line -> line.startsWith("{")).reduce((first, last) -> last)
                    .orElseThrow(() -> new IOException("bf16_torchscript.py printed no result: " + output.strip()));
            Bf16Artifact artifact = new Gson().fromJson(result, Bf16Artifact.class);
            if (!file.equals(artifact.file()) || artifact.agreement() == null || !Files.isRegularFile(made)) {
                throw new IOException("bf16_torchscript.py gave no model or no agreement: " + result);
            }
            Files.move(made, modelDirectory.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            ModelDirectory.record(modelDirectory, ModelDirectory.BF16_ARTIFACT, artifact);
            return artifact;
        } finally {
            ExporterTools.deleteScratch(work);
        }
    }
}
