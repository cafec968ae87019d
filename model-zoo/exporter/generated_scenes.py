"""Writes generated scenes (640x480 PNG) into OUT_DIR: the calibration images bin/benchmark and
benchmarks/int8-onnx.sh quantize with, where a user would give their own (seeds 2000 on), or with
--agreement the scenes a reduced-precision model's agreement with fp32 is measured on, beside the
export's reference images (seeds 3000 on: never calibrated on).

    generated_scenes.py OUT_DIR [COUNT] [--agreement]      (default 8)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import export_detectors as exporter  # noqa: E402

CALIBRATION = (2000, "calibration")
AGREEMENT = (3000, "scene")


def write(out, count, kind):
    """COUNT scenes of a kind (CALIBRATION or AGREEMENT) in OUT, their paths in order."""
    first_seed, prefix = kind
    os.makedirs(out, exist_ok=True)
    paths = []
    for i in range(count):
        paths.append(os.path.join(out, f"{prefix}-{i:02d}.png"))
        exporter.synthetic_image(640, 480, first_seed + i).save(paths[-1])
    return paths


def main(argv):
    kind = AGREEMENT if "--agreement" in argv else CALIBRATION
    argv = [a for a in argv if a != "--agreement"]
    if not 1 <= len(argv) <= 2:
        sys.exit(__doc__)
    write(argv[0], int(argv[1]) if len(argv) == 2 else 8, kind)


if __name__ == "__main__":
    main(sys.argv[1:])
