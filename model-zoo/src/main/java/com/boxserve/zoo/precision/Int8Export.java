package com.boxserve.zoo.precision;

import com.boxserve.zoo.InferenceEngine;
import com.boxserve.zoo.ModelDirectory;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Makes a model directory's int8 model beside its fp32 ONNX one: the backbone, FPN and the heads'
 * convolutions quantized statically (Faster R-CNN's box head's Linear layers dynamically) by {@code quantize_onnx.py} (QDQ, which ONNX Runtime fuses into QLinearConv, VNNI
 * kernels where the CPU has them), calibrated on the user's images; then its agreement with fp32
 * is measured on the export's reference images and {@link Agreement#SCENES} generated scenes, and both go
 * into {@code detector.json} ({@code artifacts."onnx-int8"}), so that whoever serves it can say
 * what it costs in agreement. The Python steps need only {@code onnx}; ONNX Runtime runs in Java.
 *
 * <p>Arguments: the model directory, the folder of calibration images (PNG or JPEG); the exporter
 * as {@link ExporterTools#fromEnvironment()} finds it.
 */
public final class Int8Export {

    private Int8Export() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: Int8Export MODEL_DIR CALIBRATION_IMAGES_DIR");
            System.exit(2);
        }
        Int8Artifact artifact = export(Path.of(args[0]), images(Path.of(args[1])), ExporterTools.fromEnvironment());
        System.out.println(new Gson().toJson(artifact));
    }

    /** The PNG and JPEG files in a folder, by name; at least one. */
    public static List<Path> images(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> images = files.filter(file -> file.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(png|jpe?g)")).sorted().toList();
            if (images.isEmpty()) {
                throw new IllegalArgumentException(folder + " holds no PNG or JPEG image to calibrate on");
            }
            return images;
        }
    }

    /** Writes {@code NAME.int8.onnx} into the model directory and records it, with its agreement, in its metadata. */
    public static Int8Artifact export(Path modelDirectory, List<Path> calibrationImages, ExporterTools tools)
            throws IOException, InterruptedException, ai.onnxruntime.OrtException {
        ModelDirectory directory = ModelDirectory.open(modelDirectory);
        Path fp32 = directory.modelFile(InferenceEngine.ONNX_RUNTIME);
        String int8Name = directory.metadata().name() + ".int8.onnx";
        Path work = Files.createTempDirectory("int8-export-");
        try {
            Path marked = work.resolve("marked.onnx");
            quantizer(tools, "mark", fp32, marked);
            Path ranges = work.resolve("ranges.json");
            Files.writeString(ranges, new Gson().toJson(Calibration.ranges(marked, calibrationImages)));
            Path int8 = work.resolve(int8Name);
            quantizer(tools, "quantize", fp32, ranges, int8);

            Path fp32Exposed = work.resolve("fp32-exposed.onnx");
            Path int8Exposed = work.resolve("int8-exposed.onnx");
            quantizer(tools, "expose", fp32, fp32Exposed);
            quantizer(tools, "expose", int8, int8Exposed);
            List<Path> agreementImages = new ArrayList<>(images(directory.referencesDirectory()));
            agreementImages.addAll(scenes(tools, work.resolve("scenes")));
            Agreement agreement = Agreement.measure(fp32Exposed, int8Exposed, agreementImages);

            Int8Artifact artifact = new Int8Artifact(int8Name, calibrationImages.size(), agreement);
            Files.move(int8, modelDirectory.resolve(int8Name), StandardCopyOption.REPLACE_EXISTING);
            ModelDirectory.record(modelDirectory, ModelDirectory.INT8_ARTIFACT, artifact);
            return artifact;
        } finally {
            ExporterTools.deleteScratch(work);
        }
    }

    /** The exporter's generated agreement scenes, 640x480, seeds apart from its reference images' and the calibration's. */
    private static List<Path> scenes(ExporterTools tools, Path folder) throws IOException, InterruptedException {
        tools.run(tools.script("generated_scenes.py"), folder.toString(), Integer.toString(Agreement.SCENES), "--agreement");
        return images(folder);
    }

    private static void quantizer(ExporterTools tools, String step, Path... files) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of(tools.script("quantize_onnx.py"), step));
        Stream.of(files).map(Path::toString).forEach(arguments::add);
        tools.run(arguments.toArray(String[]::new));
    }
}
