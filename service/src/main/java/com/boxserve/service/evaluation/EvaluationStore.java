package com.boxserve.service.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Jobs on disk, one folder each under {@code boxserve.evaluation.directory}: {@code job.json} (the
 * job as its view shows it), {@code dataset/} (an upload's files) and {@code detections/} (each
 * model's, in COCO results format). A job's file is replaced whole, never left half written.
 */
@Component
class EvaluationStore {

    private static final Logger log = LoggerFactory.getLogger(EvaluationStore.class);
    private static final String JOB = "job.json";

    private final Path root;
    private final ObjectMapper json;

    EvaluationStore(EvaluationProperties properties, ObjectMapper json) {
        this.root = properties.directory().toAbsolutePath().normalize();
        this.json = json;
    }

    Path folder(String id) {
        return root.resolve(id);
    }

    Path dataset(String id) {
        return folder(id).resolve("dataset");
    }

    Path detections(String id, String model) {
        return folder(id).resolve("detections").resolve(model + ".json");
    }

    Path create(String id) {
        try {
            return Files.createDirectories(dataset(id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void save(EvaluationView view) {
        write(folder(view.id()).resolve(JOB), view);
    }

    void write(Path file, Object value) {
        try {
            Files.createDirectories(file.getParent());
            // a file of its own per write: two writers never move each other's
            Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
            json.writeValue(partial.toFile(), value);
            try {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every job kept, oldest first; a folder whose job file cannot be read is logged and left alone. */
    List<EvaluationView> load() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<EvaluationView> views = new ArrayList<>();
        try (Stream<Path> folders = Files.list(root)) {
            for (Path job : folders.filter(p -> Files.isRegularFile(p.resolve(JOB))).toList()) {
                try {
                    views.add(json.readValue(job.resolve(JOB).toFile(), EvaluationView.class));
                } catch (IOException e) {
                    log.warn("evaluation job {} cannot be read and is skipped: {}", job, e.toString());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        views.sort(Comparator.comparing(EvaluationView::created));
        return views;
    }

    void delete(String id) {
        Path folder = folder(id);
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.warn("evaluation job {} was not wholly deleted: {}", id, e.toString());
        }
    }
}
