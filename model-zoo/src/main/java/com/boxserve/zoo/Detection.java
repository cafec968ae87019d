package com.boxserve.zoo;

/**
 * One detected object.
 *
 * @param label the COCO category name
 * @param categoryId the COCO category id (1..90, torchvision's numbering)
 * @param score the model's confidence
 * @param box where it is, in original-image pixels
 */
public record Detection(String label, int categoryId, float score, Box box) {
}
