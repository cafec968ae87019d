"""Writes COUNT generated scenes (640x480 PNG, seeds 2000 on) into OUT_DIR: the calibration images
bin/benchmark and benchmarks/int8-onnx.sh quantize with, where a user would give their own.

    calibration_scenes.py OUT_DIR [COUNT]      (default 8)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_detectors as exporter  # noqa: E402


def main(argv):
    if not 1 <= len(argv) <= 2:
        sys.exit(__doc__)
    out, count = argv[0], int(argv[1]) if len(argv) == 2 else 8
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        exporter.synthetic_image(640, 480, 2000 + i).save(os.path.join(out, f"calibration-{i}.png"))


if __name__ == "__main__":
    main(sys.argv[1:])
