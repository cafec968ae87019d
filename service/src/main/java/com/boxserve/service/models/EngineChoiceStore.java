package com.boxserve.service.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The engine choices of {@code engine: auto}, kept in a small JSON file across restarts
 * ({@code boxserve.models.engine-choices}, by default {@code ~/.cache/boxserve/engine-choices.json}),
 * keyed by what decides the figures. A file that cannot be read or written costs a measurement, never a start.
 */
@Component
class EngineChoiceStore {

    private static final Logger log = LoggerFactory.getLogger(EngineChoiceStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    EngineChoiceStore(ModelsProperties properties) {
        this.file = properties.engineChoices() != null ? properties.engineChoices()
                : Path.of(System.getProperty("user.home"), ".cache", "boxserve", "engine-choices.json");
    }

    synchronized Optional<EngineChoice> find(String key) {
        return Optional.ofNullable(all().get(key));
    }

    /** Written whole to a temporary file and moved into place: a crash never leaves half a file. */
    synchronized void remember(String key, EngineChoice choice) {
        Map<String, EngineChoice> choices = all();
        choices.put(key, choice);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ObjectNode all = JSON.createObjectNode();
            choices.forEach((k, v) -> all.set(k, JSON.valueToTree(v)));
            Path partial = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(partial.toFile(), all);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("cannot keep the engine choice in {} ({}): the next start measures again", file, e.getMessage());
        }
    }

    private Map<String, EngineChoice> all() {
        Map<String, EngineChoice> choices = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return choices;
        }
        try {
            JSON.readTree(file.toFile()).fields().forEachRemaining(e ->
                    choices.put(e.getKey(), JSON.convertValue(e.getValue(), EngineChoice.class)));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("cannot read the engine choices in {} ({}); measuring again", file, e.getMessage());
        }
        return choices;
    }
}
