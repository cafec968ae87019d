"""Writes the project's own COCO evaluation cases, beside the eight shared ones, for branches those do not reach.

Each case's expected figures come from cocoapi's COCOeval (bbox, default parameters), run here when pycocotools
imports (it was 2.0.11 when the files were written: `PYTHONPATH=<unpacked wheel> /usr/bin/python3 make_own_cases.py`);
the hand derivation of the figures the test asserts is beside each case. The tests read the written files only.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STATS = ["AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge", "AR1", "AR10", "AR100", "ARsmall", "ARmedium",
         "ARlarge"]


def image(i, w=640, h=480):
    return {"id": i, "file_name": f"{i}.jpg", "width": w, "height": h}


def truth(i, image_id, category, box, crowd=0, area=None):
    return {"id": i, "image_id": image_id, "category_id": category, "bbox": box,
            "area": box[2] * box[3] if area is None else area, "iscrowd": crowd}


def det(image_id, category, box, score):
    return {"image_id": image_id, "category_id": category, "bbox": box, "score": score}


CATEGORIES = [{"id": 1, "name": "person"}, {"id": 3, "name": "car"}]

CASES = {
    # IoU 100*72/(100*100) = 0.72: a match at the thresholds 0.50 to 0.70 (five of ten), none from 0.75, so
    # AP = AR = 5/10 = 0.5, AP50 = 1, AP75 = 0; the box is large (area 10000), so APlarge = 0.5, small and medium -1.
    "between-iou-thresholds": (
        [image(1)], [truth(1, 1, 1, [100, 100, 100, 100])],
        [det(1, 1, [100, 100, 100, 72], 0.9)]),
    # A small false positive scored above a large true positive. All areas: precision 1/2 at recall 1, so AP = 0.5.
    # Large: the small unmatched detection lies outside the range and is ignored, so APlarge = 1. Small: no ground
    # truth, so APsmall = -1 (the false positive alone makes no figure). AR1 = 0: one detection per image keeps only
    # the false positive.
    "false-positive-outside-the-area-range": (
        [image(1)], [truth(1, 1, 1, [100, 100, 200, 200])],
        [det(1, 1, [10, 10, 10, 10], 0.95), det(1, 1, [100, 100, 200, 200], 0.9)]),
    # A detection of category 7, which the ground truth lacks, scored above everything: not counted (COCOeval
    # evaluates the ground truth's categories), so every figure is the perfect single match's: 1, small/medium -1.
    "detection-of-an-unknown-category": (
        [image(1)], [truth(1, 1, 3, [50, 50, 120, 120])],
        [det(1, 7, [0, 0, 640, 480], 0.99), det(1, 3, [50, 50, 120, 120], 0.5)]),
    # Image 1 has only a crowd region of persons; two detections inside it are matched to the crowd and ignored,
    # not false positives. Image 2 has one person, found. Person AP = 1. Car: only a crowd region, so no ground truth
    # to measure: its AP is -1, and the means skip it; the car detection on image 2 is a false positive of a
    # category with nothing to find, which changes no figure.
    "crowd-only-image": (
        [image(1), image(2)],
        [truth(1, 1, 1, [0, 0, 300, 300], crowd=1), truth(2, 2, 1, [10, 10, 100, 100]),
         truth(3, 1, 3, [300, 200, 200, 200], crowd=1)],
        [det(1, 1, [20, 20, 100, 100], 0.9), det(1, 1, [150, 150, 100, 100], 0.8), det(2, 1, [10, 10, 100, 100], 0.7),
         det(2, 3, [400, 300, 50, 50], 0.6)]),
}


def reference(gt, dt):
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError:
        return None
    import contextlib
    import io
    import numpy as np
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO()
        coco.dataset = gt
        coco.createIndex()
        ev = COCOeval(coco, coco.loadRes(dt), "bbox")
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    per_category = {}
    for k, category in enumerate(ev.params.catIds):
        p = ev.eval["precision"][:, :, k, 0, 2]
        p = p[p > -1]
        per_category[str(category)] = float(np.mean(p)) if p.size else -1.0
    return {"stats": dict(zip(STATS, map(float, ev.stats))), "perCategoryAP": per_category}


def main():
    for name, (images, truths, detections) in CASES.items():
        folder = os.path.join(HERE, name)
        os.makedirs(folder, exist_ok=True)
        gt = {"images": images, "annotations": truths, "categories": CATEGORIES}
        for file, value in (("ground_truth.json", gt), ("detections.json", detections)):
            with open(os.path.join(folder, file), "w") as out:
                json.dump(value, out, indent=1)
        expected = reference(gt, detections)
        if expected is None:
            sys.exit("pycocotools is not importable: expected.json files left as they are")
        with open(os.path.join(folder, "expected.json"), "w") as out:
            json.dump(expected, out, indent=1)
        print(name, expected["stats"])


if __name__ == "__main__":
    main()
