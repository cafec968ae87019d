package com.boxserve.service.evaluation;

import com.boxserve.service.failure.FailureKind;
import com.boxserve.service.failure.ServiceFailure;
import com.boxserve.zoo.CocoCategories;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A job's labelled images, checked before the job is taken: the annotations (named, or the one
 * JSON file in the folder), a file for every image they list, and the mapping of their categories
 * to COCO's, which the models detect.
 *
 * @param images the file of each image, in the annotations' order
 * @param datasetCategoryOf the dataset's category id for each COCO category id that has one
 * @param unmapped the dataset's categories no model can detect (their AP is 0 whatever the model)
 */
public record EvaluationDataset(CocoGroundTruth truth, Map<Long, Path> images, Map<Integer, Long> datasetCategoryOf,
        List<String> unmapped) {

    private static final int MAX_DEPTH = 4;

    /**
     * @param annotations the annotations file, relative to {@code folder}; null: the one JSON file in it
     * @param mapping the dataset's category names to COCO's; a category it leaves out keeps its name
     * @throws ServiceFailure naming what is wrong: no or several JSON files, an image without its
     *     file, an unknown category in the mapping, any fault of the annotations
     */
    public static EvaluationDataset open(Path folder, String annotations, Map<String, String> mapping, int maxImages,
            long maxAnnotationBytes, ObjectMapper json) {
        Path file = annotations == null ? onlyJson(folder) : inside(folder, annotations, "annotations");
        if (!Files.isRegularFile(file)) {
            throw ServiceFailure.invalid("the annotations file '" + annotations + "' is not in the dataset");
        }
        JsonNode root;
        try {
            if (Files.size(file) > maxAnnotationBytes) {
                throw new ServiceFailure(FailureKind.DATASET_TOO_LARGE, "the annotations file has " + Files.size(file)
                        + " bytes; the limit is " + maxAnnotationBytes + " (boxserve.evaluation.max-upload-bytes)");
            }
            root = json.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw ServiceFailure.invalid("the annotations file '" + folder.relativize(file) + "' is not JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CocoGroundTruth truth = CocoGroundTruth.read(root, true);
        if (truth.images().size() > maxImages) {
            throw new ServiceFailure(FailureKind.DATASET_TOO_LARGE, "the annotations list " + truth.images().size()
                    + " images; the limit (boxserve.evaluation.max-images) is " + maxImages);
        }
        Map<String, List<Path>> byName = filesByName(folder);
        Map<Long, Path> images = new LinkedHashMap<>();
        for (int n = 0; n < truth.images().size(); n++) {
            int i = n;
            CocoGroundTruth.Image image = truth.images().get(i);
            images.put(image.id(), find(folder, file.getParent(), image, byName).orElseThrow(() -> ServiceFailure
                    .invalid("images[" + i + "] (id " + image.id() + "): the file '" + image.fileName()
                            + "' is not in the dataset")));
        }
        Map<Integer, Long> datasetCategoryOf = new HashMap<>();
        List<String> unmapped = new ArrayList<>();
        Map<String, String> byLowerName = new HashMap<>();
        mapping.forEach((from, to) -> byLowerName.put(from.toLowerCase(Locale.ROOT), to));
        for (CocoGroundTruth.Category category : truth.categories()) {
            String name = category.name() == null ? "" : category.name();
            String coco = byLowerName.remove(name.toLowerCase(Locale.ROOT));
            Integer cocoId = coco != null ? cocoId(coco, name) : defaultCocoId(name);
            if (cocoId == null) {
                unmapped.add(name);
            } else if (datasetCategoryOf.putIfAbsent(cocoId, category.id()) != null) {
                throw ServiceFailure.invalid("categories " + datasetCategoryOf.get(cocoId) + " and " + category.id()
                        + " both map to COCO's '" + CocoCategories.name(cocoId) + "'");
            }
        }
        if (!byLowerName.isEmpty()) {
            throw ServiceFailure.invalid("categoryMapping names categories the annotations do not have: "
                    + String.join(", ", byLowerName.keySet()));
        }
        return new EvaluationDataset(truth, images, datasetCategoryOf, unmapped);
    }

    private static Integer cocoId(String coco, String from) {
        try {
            return CocoCategories.id(coco);
        } catch (IllegalArgumentException e) {
            throw ServiceFailure.invalid("categoryMapping maps '" + from + "' to '" + coco + "', which is not a COCO "
                    + "category");
        }
    }

    /** A category named as a COCO one maps to it; a number is not taken for COCO's id. */
    private static Integer defaultCocoId(String name) {
        if (name.isBlank() || name.chars().allMatch(Character::isDigit)) {
            return null;
        }
        try {
            return CocoCategories.id(name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A path under {@code folder}, or a refusal: a relative path that climbs out of it is never followed. */
    public static Path inside(Path folder, String relative, String what) {
        Path resolved = folder.resolve(relative).normalize();
        if (!resolved.startsWith(folder.normalize()) || Path.of(relative).isAbsolute()) {
            throw ServiceFailure.invalid(what + " '" + relative + "' is outside the dataset's folder");
        }
        return resolved;
    }

    private static Path onlyJson(Path folder) {
        try (Stream<Path> files = Files.walk(folder, MAX_DEPTH)) {
            List<Path> json = files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
                    .sorted().toList();
            if (json.size() != 1) {
                throw ServiceFailure.invalid("the dataset has " + json.size() + " JSON files ("
                        + String.join(", ", json.stream().limit(5).map(p -> folder.relativize(p).toString()).toList())
                        + "): it needs one, or 'annotations' naming the one to use");
            }
            return json.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, List<Path>> filesByName(Path folder) {
        try (Stream<Path> files = Files.walk(folder, MAX_DEPTH)) {
            Map<String, List<Path>> byName = new HashMap<>();
            files.filter(Files::isRegularFile).forEach(p -> byName.computeIfAbsent(p.getFileName().toString(),
                    name -> new ArrayList<>()).add(p));
            return byName;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An image's file: its {@code file_name} beside the annotations or from the dataset's top, else
     * the one file of that name anywhere in it (COCO keeps images and annotations in sibling folders).
     */
    private static Optional<Path> find(Path folder, Path annotationsFolder, CocoGroundTruth.Image image,
            Map<String, List<Path>> byName) {
        for (Path base : List.of(annotationsFolder, folder)) {
            Path candidate = base.resolve(image.fileName()).normalize();
            if (candidate.startsWith(folder.normalize()) && Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        List<Path> sameName = byName.getOrDefault(Path.of(image.fileName()).getFileName().toString(), List.of());
        return sameName.size() == 1 ? Optional.of(sameName.get(0)) : Optional.empty();
    }
}
