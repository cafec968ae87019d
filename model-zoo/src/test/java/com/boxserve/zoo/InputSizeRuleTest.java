package com.boxserve.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Java rule against torchvision's own transform: {@code torchvision-resize-cases.json} holds
 * what {@code GeneralizedRCNNTransform} made of 388 shapes (written by the exporter's
 * {@code resize_cases.py}, checked against torchvision by its {@code test_resize_cases}).
 */
class InputSizeRuleTest {

    private static final DetectorArchitecture SMALL = DetectorArchitecture.FASTERRCNN_MOBILENET_V3_LARGE_320_FPN;
    private static final DetectorArchitecture LARGE = DetectorArchitecture.FASTERRCNN_RESNET50_FPN;

    @Test
    void agreesWithTorchvisionOnEveryShapeItTakesAndEveryOneItRefuses() throws Exception {
        int refused = 0;
        List<String> disagreements = new ArrayList<>();
        try (Reader json = new InputStreamReader(getClass().getResourceAsStream("/torchvision-resize-cases.json"),
                StandardCharsets.UTF_8)) {
            for (JsonElement element : JsonParser.parseReader(json).getAsJsonArray()) {
                JsonObject c = element.getAsJsonObject();
                DetectorArchitecture architecture = Arrays.stream(DetectorArchitecture.values())
                        .filter(a -> a.minSize() == c.get("minSize").getAsInt() && a.maxSize() == c.get("maxSize").getAsInt())
                        .findFirst().orElseThrow();
                InputSizeRule rule = new InputSizeRule(architecture, 0);
                int width = c.get("width").getAsInt();
                int height = c.get("height").getAsInt();
                boolean takes = !c.get("network").isJsonNull();
                if (rule.accepts(width, height) != takes) {
                    disagreements.add(width + "x" + height + " for " + architecture + ": torchvision " + (takes ? "takes" : "refuses") + " it");
                } else if (takes) {
                    var network = c.get("network").getAsJsonArray();
                    InputSizeRule.Size expected = new InputSizeRule.Size(network.get(0).getAsInt(), network.get(1).getAsInt());
                    if (!expected.equals(rule.network(width, height))) {
                        disagreements.add(width + "x" + height + ": torchvision " + expected + ", rule " + rule.network(width, height));
                    }
                } else {
                    refused++;
                }
            }
        }
        assertEquals(List.of(), disagreements);
        assertTrue(refused > 50, "the cases include the shapes torchvision refuses: " + refused);
    }

    @Test
    void refusesAThinImageNamingTheSmallestShortSideItTakes() {
        InputSizeRule rule = new InputSizeRule(SMALL, 0);
        ImageShapeException refused = assertThrows(ImageShapeException.class, () -> rule.check(4000, 2));
        // 640 / 4000 = 0.16: a short side of 7 scales to 1.12 px, of 6 to 0.96
        assertEquals(7, refused.smallestShortSide());
        assertTrue(refused.getMessage().contains("4000x2") && refused.getMessage().contains("at least 7 px"), refused.getMessage());
        rule.check(4000, 7);
        assertThrows(ImageShapeException.class, () -> rule.check(2, 3000), "either orientation");
        assertEquals(4, new InputSizeRule(LARGE, 0).smallestShortSide(4000));
    }

    @Test
    void theShrinkBeforeInferenceCountsTowardsWhatTheModelCanTake() {
        assertFalse(new InputSizeRule(LARGE, 0).accepts(4000, 2));
        // shrunk to 1333x1 first (a side never rounds below one pixel), which the transform keeps
        InputSizeRule shrinking = new InputSizeRule(LARGE, 1333);
        assertEquals(new InputSizeRule.Size(1333, 1), shrinking.fed(4000, 2));
        assertTrue(shrinking.accepts(4000, 2));
        assertEquals(new InputSizeRule.Size(640, 480), shrinking.fed(640, 480), "smaller images are fed as they are");
    }
}
