"""What torchvision's detection transform makes of images of every shape, for the Java rule's test.

Writes the network input size that ``GeneralizedRCNNTransform`` resizes each image to, or
``null`` where torchvision fails on it (a side scaled to under one pixel), for both resize
bounds of the seven detectors and images from ordinary to 4000:1 thin. The Java side
(``InputSizeRuleTest``) must agree on every case; ``test_resize_cases`` checks that the
committed file is what this torchvision writes.

    /usr/bin/python3 resize_cases.py > ../src/test/resources/torchvision-resize-cases.json
"""
import json
import sys

# the two (minSize, maxSize) pairs among the seven detectors
BOUNDS = [(320, 640), (800, 1333)]
LONG_SIDES = [1, 2, 480, 640, 641, 800, 1000, 1333, 1334, 1500, 2000, 2667, 3000, 4000, 5000, 8000]


def network_size(min_size, max_size, width, height):
    import torch
    from torchvision.models.detection.transform import GeneralizedRCNNTransform
    transform = GeneralizedRCNNTransform(min_size, max_size, [0.0, 0.0, 0.0], [1.0, 1.0, 1.0])
    try:
        resized, _ = transform.resize(torch.zeros(3, height, width), None)
    except RuntimeError as e:
        if "sizes should be greater than 0" not in str(e):
            raise
        return None
    return [resized.shape[2], resized.shape[1]]


def cases():
    found = []
    for min_size, max_size in BOUNDS:
        for long_side in LONG_SIDES:
            # every short side up to a few past the first one torchvision takes, then a few ordinary ones
            short_sides = []
            taken = 0
            for short_side in range(1, long_side + 1):
                short_sides.append(short_side)
                if network_size(min_size, max_size, long_side, short_side) is not None:
                    taken += 1
                    if taken == 3:
                        break
            short_sides += [s for s in (long_side * 3 // 4, long_side) if s > short_sides[-1]]
            for short_side in short_sides:
                for width, height in {(long_side, short_side), (short_side, long_side)}:
                    found.append({"minSize": min_size, "maxSize": max_size, "width": width, "height": height,
                                  "network": network_size(min_size, max_size, width, height)})
    return sorted(found, key=lambda c: (c["minSize"], c["width"], c["height"]))


def main():
    # one case a line: diffs of the file read as the cases that changed
    sys.stdout.write("[\n" + ",\n".join(json.dumps(case) for case in cases()) + "\n]\n")


if __name__ == "__main__":
    main()
