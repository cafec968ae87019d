package com.boxserve.zoo.precision;

import com.boxserve.zoo.ModelDirectory;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a model directory's bf16 model beside its fp32 TorchScript one with {@code bf16_torchscript.py}
 * (the backbone, FPN and heads in bfloat16, from the fp32 model's own weights) and records it, with
 * the agreement the script measured on the export's reference images and {@link Int8Export#SCENES}
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

    /** Writes {@code NAME.bf16.pt} into the model directory and records it, with its agreement, in its metadata. */
    public static Bf16Artifact export(Path modelDirectory, ExporterTools tools) throws IOException, InterruptedException {
        String file = ModelDirectory.open(modelDirectory).metadata().name() + ".bf16.pt";
        String output = tools.run(tools.script("bf16_torchscript.py"), modelDirectory.toString(),
                modelDirectory.resolve(file).toString());
        String result = output.lines().filter(line -> line.startsWith("{")).reduce((first, last) -> last)
                .orElseThrow(() -> new IOException("bf16_torchscript.py printed no result: " + output.strip()));
        Bf16Artifact artifact = new Gson().fromJson(result, Bf16Artifact.class);
        ModelDirectory.record(modelDirectory, ModelDirectory.BF16_ARTIFACT, artifact);
        return artifact;
    }
}
