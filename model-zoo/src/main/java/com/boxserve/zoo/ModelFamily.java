package com.boxserve.zoo;

/** The three detector families among torchvision's seven COCO detectors. */
public enum ModelFamily {
    FASTER_RCNN("faster_rcnn"),
    RETINANET("retinanet"),
    FCOS("fcos");

    private final String id;

    ModelFamily(String id) {
        this.id = id;
    }

    /** The family's name as the exporter writes it in {@code detector.json}. */
    public String id() {
        return id;
    }
}
