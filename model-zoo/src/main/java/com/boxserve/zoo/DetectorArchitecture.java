package com.boxserve.zoo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * torchvision's seven COCO object detectors and their published facts.
 *
 * <p>Box mAP (COCO val2017), parameter counts and GFLOPs are torchvision's own figures for the
 * official weights; the resize bounds are the defaults of each model's internal transform, which
 * resizes every input so its short side is {@code minSize} unless the long side would pass
 * {@code maxSize}.
 */
public enum DetectorArchitecture {
    FASTERRCNN_MOBILENET_V3_LARGE_320_FPN("fasterrcnn_mobilenet_v3_large_320_fpn", ModelFamily.FASTER_RCNN,
            "MobileNetV3-Large FPN", 320, 640, 22.8, 0.72, 19_386_354,
            "FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.COCO_V1"),
    FASTERRCNN_MOBILENET_V3_LARGE_FPN("fasterrcnn_mobilenet_v3_large_fpn", ModelFamily.FASTER_RCNN,
            "MobileNetV3-Large FPN", 800, 1333, 32.8, 4.49, 19_386_354,
            "FasterRCNN_MobileNet_V3_Large_FPN_Weights.COCO_V1"),
    FASTERRCNN_RESNET50_FPN("fasterrcnn_resnet50_fpn", ModelFamily.FASTER_RCNN,
            "ResNet-50 FPN", 800, 1333, 37.0, 134.38, 41_755_286,
            "FasterRCNN_ResNet50_FPN_Weights.COCO_V1"),
    FASTERRCNN_RESNET50_FPN_V2("fasterrcnn_resnet50_fpn_v2", ModelFamily.FASTER_RCNN,
            "ResNet-50 FPN v2", 800, 1333, 46.7, 280.37, 43_712_278,
            "FasterRCNN_ResNet50_FPN_V2_Weights.COCO_V1"),
    FCOS_RESNET50_FPN("fcos_resnet50_fpn", ModelFamily.FCOS,
            "ResNet-50 FPN", 800, 1333, 39.2, 128.21, 32_269_600,
            "FCOS_ResNet50_FPN_Weights.COCO_V1"),
    RETINANET_RESNET50_FPN("retinanet_resnet50_fpn", ModelFamily.RETINANET,
            "ResNet-50 FPN", 800, 1333, 36.4, 151.54, 34_014_999,
            "RetinaNet_ResNet50_FPN_Weights.COCO_V1"),
    RETINANET_RESNET50_FPN_V2("retinanet_resnet50_fpn_v2", ModelFamily.RETINANET,
            "ResNet-50 FPN v2", 800, 1333, 41.5, 152.24, 38_198_935,
            "RetinaNet_ResNet50_FPN_V2_Weights.COCO_V1");

    private final String modelName;
    private final ModelFamily family;
    private final String backbone;
    private final int minSize;
    private final int maxSize;
    private final double boxMap;
    private final double gflops;
    private final long parameters;
    private final String weightsEnum;

    DetectorArchitecture(String modelName, ModelFamily family, String backbone, int minSize, int maxSize,
            double boxMap, double gflops, long parameters, String weightsEnum) {
        this.modelName = modelName;
        this.family = family;
        this.backbone = backbone;
        this.minSize = minSize;
        this.maxSize = maxSize;
        this.boxMap = boxMap;
        this.gflops = gflops;
        this.parameters = parameters;
        this.weightsEnum = weightsEnum;
    }

    /** torchvision's builder name, e.g. {@code fasterrcnn_resnet50_fpn}. */
    public String modelName() {
        return modelName;
    }

    public ModelFamily family() {
        return family;
    }

    public String backbone() {
        return backbone;
    }

    public int minSize() {
        return minSize;
    }

    public int maxSize() {
        return maxSize;
    }

    /** torchvision's published COCO val2017 box mAP for the official weights. */
    public double boxMap() {
        return boxMap;
    }

    /** torchvision's published GFLOPs per image at the default input size. */
    public double gflops() {
        return gflops;
    }

    /** torchvision's published parameter count. */
    public long parameters() {
        return parameters;
    }

    /** The torchvision weights enum of the official COCO weights. */
    public String weightsEnum() {
        return weightsEnum;
    }

    public static Optional<DetectorArchitecture> find(String modelName) {
        return Arrays.stream(values()).filter(a -> a.modelName.equals(modelName)).findFirst();
    }

    public static List<String> modelNames() {
        return Arrays.stream(values()).map(DetectorArchitecture::modelName).toList();
    }
}
