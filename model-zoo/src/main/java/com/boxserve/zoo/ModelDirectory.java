package com.boxserve.zoo;

import com.boxserve.zoo.precision.Bf16Artifact;
import com.boxserve.zoo.precision.Int8Artifact;
import com.boxserve.zoo.precision.Precision;
import com.boxserve.zoo.precision.ReducedArtifact;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One exported model on disk, as {@code export_detectors.py} writes it: the engines' model files,
 * {@code detector.json}, DJL's {@code serving.properties} and {@code synset.txt}, and
 * {@code references/} with torchvision's own detections for the parity tests.
 */
public final class ModelDirectory {

    public static final String METADATA_FILE = "detector.json";
    /** The int8 model's entry under {@code artifacts}, written by {@code Int8Export}. */
    public static final String INT8_ARTIFACT = "onnx-int8";
    /** The bf16 model's entry under {@code artifacts}, written by {@code Bf16Export}. */
    public static final String BF16_ARTIFACT = "torchscript-bf16";
    private static final Gson GSON = new Gson();
    private static final Gson PRETTY = new GsonBuilder().setPrettyPrinting().create();

    private final Path path;
    private final DetectorMetadata metadata;

    private ModelDirectory(Path path, DetectorMetadata metadata) {
        this.path = path;
        this.metadata = metadata;
    }

    /** Reads and checks a model directory's metadata; model files are checked when an engine loads them. */
    public static ModelDirectory open(Path path) {
        if (!Files.isDirectory(path)) {
            throw new ModelDirectoryException(path, "not a model directory");
        }
        Path file = path.resolve(METADATA_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ModelDirectoryException(file, "missing: every exported model directory has one");
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            return new ModelDirectory(path, parse(json, file));
        } catch (IOException | JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            throw new ModelDirectoryException(file, "unreadable metadata: " + e.getMessage(), e);
        }
    }

    /** Every model directory directly under {@code root} (those with a {@code detector.json}), by name. */
    public static List<Path> find(Path root) throws IOException {
        try (var entries = Files.list(root)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve(METADATA_FILE))).sorted().toList();
        }
    }

    public Path path() {
        return path;
    }

    public DetectorMetadata metadata() {
        return metadata;
    }

    /** The fp32 model file an engine reads; it must exist and not be empty. */
    public Path modelFile(InferenceEngine engine) {
        return modelFile(engine, Precision.FP32);
    }

    /** The model file an engine reads at a precision; it must exist and not be empty. */
    public Path modelFile(InferenceEngine engine, Precision precision) {
        String name = metadata.modelFile(engine, precision).orElseThrow(() -> new ModelDirectoryException(
                path.resolve(METADATA_FILE), "this export has no " + precision.label() + " " + engine.djlName() + " model"
                        + (precision == Precision.FP32 ? "" : ": make one with " + precision.makeWith(path))));
        Path file = path.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new ModelDirectoryException(file, "missing " + engine.djlName() + " model file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new ModelDirectoryException(file, "empty " + engine.djlName() + " model file");
            }
        } catch (IOException e) {
            throw new ModelDirectoryException(file, "unreadable: " + e.getMessage(), e);
        }
        return file;
    }

    /** The folder of reference images and torchvision's detections on them. */
    public Path referencesDirectory() {
        return path.resolve("references");
    }

    private static DetectorMetadata parse(JsonObject json, Path file) {
        String architectureName = string(json, "architecture", file);
        DetectorArchitecture architecture = DetectorArchitecture.find(architectureName)
                .orElseThrow(() -> new ModelDirectoryException(file, "unknown architecture '" + architectureName
                        + "'; known: " + String.join(", ", DetectorArchitecture.modelNames())));
        JsonObject weights = object(json, "weights", file);
        JsonObject artifacts = object(json, "artifacts", file);
        JsonObject exporter = object(json, "exporter", file);
        JsonArray categoryArray = required(json, "categories", file).getAsJsonArray();
        List<String> categories = new ArrayList<>();
        categoryArray.forEach(c -> categories.add(c.getAsString()));
        if (!categories.equals(CocoCategories.NAMES)) {
            throw new ModelDirectoryException(file, "categories differ from torchvision's COCO categories");
        }
        JsonElement onnx = artifacts.get("onnx");
        String onnxFile = onnx != null && onnx.isJsonObject() && onnx.getAsJsonObject().has("file")
                && !onnx.getAsJsonObject().get("file").isJsonNull()
                ? onnx.getAsJsonObject().get("file").getAsString() : null;
        return new DetectorMetadata(
                string(json, "name", file),
                architecture,
                new WeightsProvenance(
                        string(weights, "source", file),
                        weights.has("enum") ? weights.get("enum").getAsString() : null,
                        weights.has("sha256") ? weights.get("sha256").getAsString() : null,
                        weights.has("seed") ? weights.get("seed").getAsLong() : null),
                required(json, "scoreThreshold", file).getAsFloat(),
                required(json, "nmsThreshold", file).getAsFloat(),
                required(json, "detectionsPerImage", file).getAsInt(),
                string(object(artifacts, "torchscript", file), "file", file),
                onnxFile,
                string(exporter, "version", file),
                string(exporter, "torch", file),
                string(exporter, "torchvision", file),
                artifact(artifacts, INT8_ARTIFACT, Int8Artifact.class, file),
                artifact(artifacts, BF16_ARTIFACT, Bf16Artifact.class, file));
    }

    /**
     * Records a model made beside the export under {@code artifacts.KEY} of its {@code detector.json},
     * replacing the file whole so that a reader never sees half of it.
     */
    public static void record(Path modelDirectory, String key, ReducedArtifact artifact) throws IOException {
        Path metadataFile = modelDirectory.resolve(METADATA_FILE);
        JsonObject metadata = JsonParser.parseString(Files.readString(metadataFile)).getAsJsonObject();
        metadata.getAsJsonObject("artifacts").add(key, PRETTY.toJsonTree(artifact));
        Path written = metadataFile.resolveSibling(METADATA_FILE + ".tmp");
        Files.writeString(written, PRETTY.toJson(metadata) + "\n", StandardCharsets.UTF_8);
        Files.move(written, metadataFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonElement required(JsonObject json, String key, Path file) {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            throw new ModelDirectoryException(file, "missing field '" + key + "'");
        }
        return value;
    }

    /** A reduced-precision model's entry, or null where the export has none; it must name its file and agreement. */
    private static <T extends ReducedArtifact> T artifact(JsonObject artifacts, String key, Class<T> type, Path file) {
        JsonElement artifact = artifacts.get(key);
        if (artifact == null || artifact.isJsonNull()) {
            return null;
        }
        try {
            JsonObject fields = artifact.getAsJsonObject();
            if (!fields.has("file") || fields.get("file").isJsonNull() || !fields.has("agreement")
                    || fields.get("agreement").isJsonNull()) {
                throw new ModelDirectoryException(file, key + " needs a file and its agreement");
            }
            return GSON.fromJson(artifact, type);
        } catch (JsonParseException | IllegalStateException e) {
            throw new ModelDirectoryException(file, "malformed " + key + ": " + e.getMessage(), e);
        }
    }

    private static String string(JsonObject json, String key, Path file) {
        return required(json, key, file).getAsString();
    }

    private static JsonObject object(JsonObject json, String key, Path file) {
        return required(json, key, file).getAsJsonObject();
    }
}
