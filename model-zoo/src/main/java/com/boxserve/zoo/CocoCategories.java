package com.boxserve.zoo;

import java.util.List;
import java.util.Locale;

/**
 * The COCO categories as torchvision's detectors number them: ids 1..90, with "N/A" for the
 * ids COCO leaves unused, and 0 for the background.
 */
public final class CocoCategories {

    /** Names indexed by category id, exactly as torchvision's weights metadata lists them. */
    public static final List<String> NAMES = List.of(
            "__background__", "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck",
            "boat", "traffic light", "fire hydrant", "N/A", "stop sign", "parking meter", "bench", "bird",
            "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "N/A", "backpack",
            "umbrella", "N/A", "N/A", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard",
            "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
            "tennis racket", "bottle", "N/A", "wine glass", "cup", "fork", "knife", "spoon", "bowl",
            "banana", "apple", "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut",
            "cake", "chair", "couch", "potted plant", "bed", "N/A", "dining table", "N/A", "N/A", "toilet",
            "N/A", "tv", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven",
            "toaster", "sink", "refrigerator", "N/A", "book", "clock", "vase", "scissors", "teddy bear",
            "hair drier", "toothbrush");

    private static final String UNUSED = "N/A";

    private CocoCategories() {
    }

    /** Whether torchvision uses this id for a COCO category (1..90 less the "N/A" gaps). */
    public static boolean isCategory(int id) {
        return id >= 1 && id < NAMES.size() && !UNUSED.equals(NAMES.get(id));
    }

    /** The name of a category id, or "N/A" for ids torchvision leaves unused. */
    public static String name(int id) {
        return id >= 0 && id < NAMES.size() ? NAMES.get(id) : UNUSED;
    }

    /** A category id from its name (any case) or from its number as text. */
    public static int id(String nameOrId) {
        String value = nameOrId.trim();
        if (!value.isEmpty() && value.length() <= 3 && value.chars().allMatch(Character::isDigit)) {
            int id = Integer.parseInt(value);
            if (isCategory(id)) {
                return id;
            }
            throw new IllegalArgumentException("no COCO category has id " + value);
        }
        String wanted = value.toLowerCase(Locale.ROOT);
        for (int id = 1; id < NAMES.size(); id++) {
            if (isCategory(id) && NAMES.get(id).equals(wanted)) {
                return id;
            }
        }
        throw new IllegalArgumentException("no COCO category is named '" + nameOrId + "'");
    }
}
