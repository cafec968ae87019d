package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broken model directory fails with an exception naming the file, never a JVM crash. */
class BrokenModelDirectoryTest {

    private static final String NAME = "fasterrcnn_mobilenet_v3_large_320_fpn";

    @TempDir
    Path temp;
    private ModelDirectory original;
    private Path copy;

    @BeforeEach
    void copyTheSmallestModel() throws IOException {
        original = TestModels.directory(NAME);
        copy = temp.resolve(NAME);
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(original.path())) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                // the model files are linked, not copied: the tests replace, never modify, them
                Files.createSymbolicLink(copy.resolve(file.getFileName()), file.toAbsolutePath());
            }
        }
    }

    @Test
    void missingModelFile() throws IOException {
        Path pt = replace(original.metadata().torchscriptFile());
        Files.delete(pt);
        ModelDirectoryException error = assertThrows(ModelDirectoryException.class, () -> load(InferenceEngine.PYTORCH));
        assertEquals(pt, error.file());
    }

    @Test
    void truncatedTorchScript() throws IOException {
        Path pt = truncate(original.metadata().torchscriptFile());
        ModelDirectoryException error = assertThrows(ModelDirectoryException.class, () -> load(InferenceEngine.PYTORCH));
        assertEquals(pt, error.file());
        assertTrue(error.getMessage().contains(pt.toString()), error.getMessage());
    }

    @Test
    void truncatedOnnx() throws IOException {
        Path onnx = truncate(original.metadata().onnxFile());
        ModelDirectoryException error = assertThrows(ModelDirectoryException.class, () -> load(InferenceEngine.ONNX_RUNTIME));
        assertEquals(onnx, error.file());
    }

    @Test
    void emptyModelFile() throws IOException {
        Path pt = replace(original.metadata().torchscriptFile());
        Files.write(pt, new byte[0]);
        ModelDirectoryException error = assertThrows(ModelDirectoryException.class, () -> load(InferenceEngine.PYTORCH));
        assertEquals(pt, error.file());
    }

    @Test
    void unknownArchitecture() throws IOException {
        Path metadata = replace(ModelDirectory.METADATA_FILE);
        String json = Files.readString(original.path().resolve(ModelDirectory.METADATA_FILE));
        Files.writeString(metadata, json.replace("\"architecture\": \"" + NAME + "\"", "\"architecture\": \"yolo_v99\""));
        ModelDirectoryException error = assertThrows(ModelDirectoryException.class, () -> ModelDirectory.open(copy));
        assertEquals(metadata, error.file());
        assertTrue(error.getMessage().contains("yolo_v99"), error.getMessage());
    }

    @Test
    void missingOrMalformedMetadata() throws IOException {
        Path metadata = replace(ModelDirectory.METADATA_FILE);
        Files.delete(metadata);
        assertEquals(metadata, assertThrows(ModelDirectoryException.class, () -> ModelDirectory.open(copy)).file());
        Files.writeString(metadata, "{\"name\": ");
        assertEquals(metadata, assertThrows(ModelDirectoryException.class, () -> ModelDirectory.open(copy)).file());
        Files.writeString(metadata, "{\"name\": \"x\"}");
        ModelDirectoryException error = assertThrows(ModelDirectoryException.class, () -> ModelDirectory.open(copy));
        assertTrue(error.getMessage().contains("architecture"), error.getMessage());
    }

    private void load(InferenceEngine engine) {
        try (Detector ignored = Detector.load(ModelDirectory.open(copy), LoadOptions.of(engine))) {
            // loading is what is tested
        }
    }

    /** Swaps the link for a real file the test may change. */
    private Path replace(String fileName) throws IOException {
        Path file = copy.resolve(fileName);
        Files.delete(file);
        Files.copy(original.path().resolve(fileName), file);
        return file;
    }

    private Path truncate(String fileName) throws IOException {
        Path file = copy.resolve(fileName);
        Files.delete(file);
        try (InputStream in = Files.newInputStream(original.path().resolve(fileName))) {
            Files.write(file, in.readNBytes((int) Math.min(1 << 20, Files.size(original.path().resolve(fileName)) / 2)));
        }
        return file;
    }
}
