package com.boxserve.zoo;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the exporter recorded about one model directory ({@code detector.json}).
 *
 * @param name the directory's model name
 * @param architecture which of the seven detectors this is
 * @param weights where the weights came from
 * @param scoreThreshold the score threshold baked into the export: no detection below it exists
 * @param detectionsPerImage the detection cap baked into the export
 * @param categories COCO category names indexed by category id (0 is the background, gaps are "N/A")
 * @param torchscriptFile the TorchScript file name, for the PyTorch engine
 * @param onnxFile the ONNX file name, or null where the export has none
 * @param exporterVersion the exporter's version
 * @param torchVersion the torch version that exported the model
 * @param torchvisionVersion the torchvision version that exported the model
 */
public record DetectorMetadata(
        String name,
        DetectorArchitecture architecture,
        WeightsProvenance weights,
        float scoreThreshold,
        int detectionsPerImage,
        List<String> categories,
        String torchscriptFile,
        String onnxFile,
        String exporterVersion,
        String torchVersion,
        String torchvisionVersion) {

    public DetectorMetadata {
        categories = List.copyOf(categories);
    }

    /** The model file the engine reads, if the export has one. */
    public Optional<String> modelFile(InferenceEngine engine) {
        return Optional.ofNullable(engine == InferenceEngine.PYTORCH ? torchscriptFile : onnxFile);
    }

    /** The COCO name of a category id, or "N/A" for ids torchvision leaves unused. */
    public String categoryName(int categoryId) {
        return categoryId >= 0 && categoryId < categories.size() ? categories.get(categoryId) : "N/A";
    }

    /** Whether torchvision uses this id for a COCO category (1..90 less the "N/A" gaps). */
    public boolean isCategory(int categoryId) {
        return categoryId >= 1 && categoryId < categories.size() && !"N/A".equals(categories.get(categoryId));
    }

    /** A category id from its name (any case) or from its number as text. */
    public int categoryId(String nameOrId) {
        String value = nameOrId.trim();
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
            int id = value.length() > 3 ? -1 : Integer.parseInt(value);
            if (!isCategory(id)) {
                throw new IllegalArgumentException("no COCO category has id " + value);
            }
            return id;
        }
        String wanted = value.toLowerCase(Locale.ROOT);
        for (int id = 1; id < categories.size(); id++) {
            if (isCategory(id) && categories.get(id).equals(wanted)) {
                return id;
            }
        }
        throw new IllegalArgumentException("no COCO category is named '" + nameOrId + "'");
    }
}
