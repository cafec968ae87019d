package com.boxserve.zoo;

/** An axis-aligned box in original-image pixels: (x1, y1) top left, (x2, y2) bottom right. */
public record Box(double x1, double y1, double x2, double y2) {

    public double width() {
        return x2 - x1;
    }

    public double height() {
        return y2 - y1;
    }

    public double area() {
        return Math.max(0, width()) * Math.max(0, height());
    }

    /** Intersection over union; 0 when the union is empty. */
    public double iou(Box other) {
        double w = Math.min(x2, other.x2) - Math.max(x1, other.x1);
        double h = Math.min(y2, other.y2) - Math.max(y1, other.y1);
        double inter = Math.max(0, w) * Math.max(0, h);
        double union = area() + other.area() - inter;
        return union > 0 ? inter / union : 0;
    }

    /** The largest coordinate difference to another box. */
    public double maxCoordinateDifference(Box other) {
        return Math.max(Math.max(Math.abs(x1 - other.x1), Math.abs(y1 - other.y1)),
                Math.max(Math.abs(x2 - other.x2), Math.abs(y2 - other.y2)));
    }
}
