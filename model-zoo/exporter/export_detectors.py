#!/usr/bin/env python3
"""Export torchvision's seven COCO detectors as model directories that DJL loads offline.

For each model it writes ``<out>/<name>/`` holding:
  <name>.pt           TorchScript with torchvision's C++ ops replaced by pure tensor code
  <name>.onnx         ONNX (opset 11) for ONNX Runtime, unless --no-onnx
  detector.json       metadata: architecture, weights provenance, thresholds, input contract, ...
  serving.properties  DJL model-directory convention
  synset.txt          COCO category names, line n = category id n
  references/         test images and torchvision's own eager detections on them

Weights: ``pretrained`` (torchvision's official COCO weights, downloaded by torchvision),
``random`` with ``--seed`` (offline tests), or ``--weights-file`` (a local official .pth).

Every heavy step runs in a fresh interpreter: TorchScript caches compiled functions, so a
process that scripted the model with replaced ops must not also trace it for ONNX.
"""
import argparse
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
from typing import List, Tuple

EXPORTER_VERSION = "1.0.0"
FORMAT_VERSION = 1
ONNX_OPSET = 11

# name -> family and torchvision's default internal resize (min_size, max_size)
MODELS = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": ("faster_rcnn", 320, 640),
    "fasterrcnn_mobilenet_v3_large_fpn": ("faster_rcnn", 800, 1333),
    "fasterrcnn_resnet50_fpn": ("faster_rcnn", 800, 1333),
    "fasterrcnn_resnet50_fpn_v2": ("faster_rcnn", 800, 1333),
    "fcos_resnet50_fpn": ("fcos", 800, 1333),
    "retinanet_resnet50_fpn": ("retinanet", 800, 1333),
    "retinanet_resnet50_fpn_v2": ("retinanet", 800, 1333),
}
NMS_THRESHOLDS = {"faster_rcnn": 0.5, "retinanet": 0.5, "fcos": 0.6}
PRETRAINED_SCORE_THRESHOLD = 0.05
# Random weights score far below 0.05: their threshold is read off the reference images, see random_threshold.
RANDOM_MIN_DETECTIONS = 30
# The cap for random weights sits above any reference image's count: a cap that cuts between
# two near-equal scores would test tie-breaking, not the model.
RANDOM_DETECTIONS_PER_IMAGE = 5000
RANDOM_LOGIT_RANGE = 6.0
# No reference score lies this close to a random export's threshold: 1e-4 is the parity tests'
# near-tie; the narrower ones still exceed every engine difference measured (under 5e-5).
THRESHOLD_MARGINS = (1e-4, 5e-5)
DETECTIONS_PER_IMAGE = 100

# Reference images: synthetic, seeded, in two sizes and aspect ratios (landscape 4:3, portrait 2:3).
REFERENCE_IMAGES = [("landscape-640x480", 640, 480, 101), ("portrait-400x600", 400, 600, 202)]
CALIBRATION_IMAGE = ("calibration-560x420", 560, 420, 303)


def main(argv=None):
    args = parse_args(argv)
    if args.step:
        return run_step(args)
    names = list(MODELS) if args.models == ["all"] else args.models
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        sys.exit(f"unknown model(s): {', '.join(unknown)}; known: {', '.join(MODELS)}")
    if args.weights_file and len(names) != 1:
        sys.exit("--weights-file names one model's weights: pass exactly one model with --models")
    os.makedirs(args.out, exist_ok=True)
    for name in names:
        export_one(name, args)
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs="+", default=["all"], help="model names, or 'all' (default)")
    parser.add_argument("--out", required=True, help="directory that receives one directory per model")
    parser.add_argument("--weights", choices=["pretrained", "random"], default="pretrained")
    parser.add_argument("--weights-file", help="a local official torchvision .pth for the one model named")
    parser.add_argument("--seed", type=int, default=0, help="seed for --weights random")
    parser.add_argument("--score-threshold", type=float, help="score threshold baked into the export")
    parser.add_argument("--detections-per-image", type=int,
                        help=f"detection cap baked into the export (default {DETECTIONS_PER_IMAGE}, "
                             f"{RANDOM_DETECTIONS_PER_IMAGE} for random weights)")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX export")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--step", choices=["torchscript", "onnx"], help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def export_one(name, args):
    target = os.path.join(args.out, name)
    staging = tempfile.mkdtemp(prefix=f".{name}-", dir=args.out)
    try:
        timings = {}
        for step in ["torchscript"] + ([] if args.no_onnx else ["onnx"]):
            started = time.monotonic()
            command = [sys.executable, os.path.abspath(__file__), "--step", step, "--model", name,
                       "--work", staging, "--out", args.out, "--weights", args.weights, "--seed", str(args.seed),
                       "--threads", str(args.threads)]
            if args.weights_file:
                command += ["--weights-file", args.weights_file]
            if args.score_threshold is not None:
                command += ["--score-threshold", str(args.score_threshold)]
            if args.detections_per_image is not None:
                command += ["--detections-per-image", str(args.detections_per_image)]
            result = subprocess.run(command)
            if result.returncode != 0:
                raise SystemExit(f"{name}: the {step} step failed (exit {result.returncode})")
            timings[step] = round(time.monotonic() - started, 1)
        metadata_path = os.path.join(staging, "detector.json")
        with open(metadata_path) as f:
            metadata = json.load(f)
        metadata["exportSeconds"] = timings
        if args.no_onnx:
            metadata["artifacts"]["onnx"] = {"file": None, "reason": "skipped with --no-onnx"}
        write_json(metadata_path, metadata)
        os.remove(os.path.join(staging, "weights.pth"))
        if os.path.exists(target):
            shutil.rmtree(target)
        os.rename(staging, target)
        print(f"{name}: exported to {target} in {sum(timings.values()):.1f} s {timings}", flush=True)
    finally:
        if os.path.exists(staging):
            shutil.rmtree(staging)


# ---------------------------------------------------------------- steps (fresh interpreter each)

def run_step(args):
    import warnings
    import torch
    # torch.onnx and scripted R-CNNs warn about things that are understood and harmless here
    warnings.filterwarnings("ignore")
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    if args.step == "torchscript":
        step_torchscript(args)
    else:
        step_onnx(args)
    return 0


def step_torchscript(args):
    import torch
    name, work = args.model, args.work
    model, weights_info = build_model(name, args)
    family = MODELS[name][0]
    references = os.path.join(work, "references")
    os.makedirs(references)
    images = {}
    for image_name, width, height, seed in REFERENCE_IMAGES:
        path = os.path.join(references, image_name + ".png")
        synthetic_image(width, height, seed).save(path)
        images[image_name] = load_image(path)

    random_weights = weights_info["source"] == "random"
    threshold = args.score_threshold
    if threshold is None:
        threshold = random_threshold(model, family, images.values()) if random_weights else PRETRAINED_SCORE_THRESHOLD
    cap = args.detections_per_image or (RANDOM_DETECTIONS_PER_IMAGE if random_weights else DETECTIONS_PER_IMAGE)
    set_thresholds(model, family, threshold, cap)
    torch.save(model.state_dict(), os.path.join(work, "weights.pth"))

    eager = {}
    for image_name, image in images.items():
        eager[image_name] = detect_eager(model, image)
        if len(eager[image_name]["scores"]) == 0:
            raise SystemExit(f"{name}: no detections on {image_name}: the parity test would test nothing; "
                             f"lower --score-threshold (now {threshold})")
        if random_weights and args.detections_per_image is None and len(eager[image_name]["scores"]) >= cap:
            raise SystemExit(f"{name}: {image_name} reaches the detection cap {cap} with random weights; "
                             f"raise --detections-per-image")

    scripted = script_without_torchvision_ops(model, name)
    pt_file = f"{name}.pt"
    scripted.save(os.path.join(work, pt_file))
    parity = {}
    for image_name, image in images.items():
        with torch.no_grad():
            boxes, scores, labels = scripted(image)
        parity[image_name] = compare(eager[image_name], boxes, scores, labels, f"{name} on {image_name}")
        reference = {"image": image_name + ".png", "width": image.shape[2], "height": image.shape[1],
                     "detections": [{"label": int(l), "score": float(s), "box": [float(v) for v in b]}
                                    for b, s, l in zip(eager[image_name]["boxes"], eager[image_name]["scores"],
                                                       eager[image_name]["labels"])]}
        write_json(os.path.join(references, image_name + ".json"), reference)

    write_metadata(work, name, family, threshold, cap, weights_info, model, parity, pt_file)


def step_onnx(args):
    import onnx
    import torch
    name, work = args.model, args.work
    model, _ = build_model(name, args, state_dict_path=os.path.join(work, "weights.pth"))
    metadata_path = os.path.join(work, "detector.json")
    with open(metadata_path) as f:
        metadata = json.load(f)
    set_thresholds(model, metadata["family"], metadata["scoreThreshold"], metadata["detectionsPerImage"])

    class OnnxDetector(torch.nn.Module):
        def __init__(self, detector):
            super().__init__()
            self.detector = detector

        def forward(self, image):
            detections = self.detector([image])[0]
            return detections["boxes"], detections["scores"], detections["labels"]

    import torchvision.models.detection.transform
    import torchvision.ops.poolers
    import pure_ops
    torchvision.models.detection.transform._resize_image_and_masks = pure_ops.resize_image_and_masks_for_onnx
    torchvision.ops.poolers._onnx_merge_levels = pure_ops.merge_levels_for_onnx

    # Tracing records the branches its example takes: the example must yield detections.
    example = load_image(os.path.join(work, "references", REFERENCE_IMAGES[0][0] + ".png"))
    onnx_file = f"{name}.onnx"
    path = os.path.join(work, onnx_file)
    torch.onnx.export(OnnxDetector(model).eval(), (example,), path, opset_version=ONNX_OPSET,
                      input_names=["image"], output_names=["boxes", "scores", "labels"],
                      dynamic_axes={"image": {1: "height", 2: "width"}, "boxes": {0: "detections"},
                                    "scores": {0: "detections"}, "labels": {0: "detections"}},
                      do_constant_folding=True)
    onnx.checker.check_model(path)
    metadata["artifacts"]["onnx"] = {"file": onnx_file, "opset": ONNX_OPSET, "sha256": sha256(path),
                                     "outputs": ["boxes", "scores", "labels"]}
    write_json(metadata_path, metadata)


# ---------------------------------------------------------------- model construction

def build_model(name, args, state_dict_path=None):
    import torch
    import torchvision
    from torchvision.models import get_model, get_model_weights

    weights_enum = get_model_weights(name).COCO_V1
    if state_dict_path:  # a later step: rebuild the architecture the first step chose, then its weights
        official = args.weights_file or args.weights == "pretrained"
        model = build_with(name, weights_enum if official else None, local_file=args.weights_file, offline_ok=True)
        model.load_state_dict(torch.load(state_dict_path))
        return model.eval(), None
    if args.weights_file:
        model = build_with(name, weights_enum, local_file=args.weights_file)
        digest = sha256(args.weights_file)
        expected_prefix = os.path.basename(weights_enum.url).rsplit("-", 1)[-1].split(".")[0]
        if not digest.startswith(expected_prefix):
            print(f"WARNING: {args.weights_file} is not torchvision's official {weights_enum} file "
                  f"(sha256 {digest[:8]}..., expected {expected_prefix}...)", file=sys.stderr)
        info = {"source": "file", "enum": f"{type(weights_enum).__name__}.COCO_V1",
                "file": os.path.basename(args.weights_file), "sha256": digest}
    elif args.weights == "pretrained":
        model = build_with(name, weights_enum)
        checkpoint = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights_enum.url))
        info = {"source": "pretrained", "enum": f"{type(weights_enum).__name__}.COCO_V1",
                "file": os.path.basename(weights_enum.url), "sha256": sha256(checkpoint)}
    else:
        torch.manual_seed(args.seed)
        model = torchvision.models.get_model(name, weights=None, weights_backbone=None)
        calibrate_batch_norm(model)
        spread_logits(model, MODELS[name][0])
        info = {"source": "random", "seed": args.seed}
    return model.eval(), info


def build_with(name, weights_enum, local_file=None, offline_ok=False):
    """Builds the model exactly as torchvision does for its official weights (FrozenBatchNorm and all).

    A local file is served to torchvision through a private hub directory, so the same code
    path loads it as would load a download.
    """
    import torch
    from torchvision.models import get_model
    if weights_enum is None:
        return get_model(name, weights=None, weights_backbone=None)
    if local_file:
        hub = tempfile.mkdtemp(prefix="torchvision-hub-")
        os.makedirs(os.path.join(hub, "checkpoints"))
        os.symlink(os.path.abspath(local_file), os.path.join(hub, "checkpoints", os.path.basename(weights_enum.url)))
        torch.hub.set_dir(hub)
    try:
        return get_model(name, weights=weights_enum)
    except (urllib.error.URLError, OSError) as e:
        if offline_ok:
            raise
        raise SystemExit(
            f"could not fetch torchvision's pretrained weights for {name} ({weights_enum.url}): {e}\n"
            f"This machine has no network access to them. Alternatives:\n"
            f"  --weights-file PATH   a copy of {os.path.basename(weights_enum.url)} fetched elsewhere\n"
            f"  --weights random      seeded random weights (tests and demos only: detections are meaningless)")


def calibrate_batch_norm(model):
    """Gives random BatchNorm layers the statistics of a real-looking image.

    With default running statistics a random MobileNetV3 backbone in eval mode shrinks its
    activations to ~1e-7, every score comes out equal and a parity test only tests tie-breaking.
    One pass with BatchNorm in train mode and momentum=None stores the batch's own statistics.
    """
    import torch
    norms = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    model.eval()
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None
        norm.train()
    _, width, height, seed = CALIBRATION_IMAGE
    with torch.no_grad():
        model([to_tensor(synthetic_image(width, height, seed))])
    model.eval()


def spread_logits(model, family):
    """Rescales random classification layers so their logits spread over a few units, no more.

    torchvision initialises these layers with std 0.01, so with random weights every anchor's
    objectness and every class score is nearly the same: top-k cuts, NMS and the detection cap
    then decide between near-equal scores, and a 1e-6 difference between two builds of libtorch
    flips them. Spread scores make the parity tests test the model rather than tie-breaking;
    bounding the spread by the largest logit, not the deviation, keeps sigmoid scores off 1.0,
    where float32 would make them equal again.
    """
    import torch
    if family == "faster_rcnn":
        layers = [model.rpn.head.cls_logits, model.roi_heads.box_predictor.cls_score]
    else:
        layers = [model.head.classification_head.cls_logits]
        if family == "fcos":
            layers.append(model.head.regression_head.bbox_ctrness)
    spreads = {}
    hooks = [layer.register_forward_hook(
        lambda module, _, output: spreads.setdefault(module, []).extend(
            (o - o.mean()).abs().max().item() for o in (output if isinstance(output, (list, tuple)) else [output])
            if o.numel() > 1))
        for layer in layers]
    _, width, height, seed = CALIBRATION_IMAGE
    with torch.no_grad():
        model([to_tensor(synthetic_image(width, height, seed))])
        for layer in layers:
            layer.weight.mul_(RANDOM_LOGIT_RANGE / max(max(spreads[layer]), 1e-12))
    for hook in hooks:
        hook.remove()


def random_threshold(model, family, images):
    """A score threshold that leaves each reference image at least RANDOM_MIN_DETECTIONS boxes.

    Random heads score where torchvision's default 0.05 means nothing, and how high depends on
    the image; the threshold is read off the images' own scores, so every image keeps
    detections to test (RANDOM_MIN_DETECTIONS where it can, ten at least). It is placed in a gap no score of any image comes within
    THRESHOLD_MARGINS of, or the engines' last-digit differences would decide the count.
    """
    import torch
    set_thresholds(model, family, 0.0, 100000)
    with torch.no_grad():
        ranked = [torch.sort(model([image])[0]["scores"], descending=True)[0].tolist() for image in images]
    every_score = sorted(score for scores in ranked for score in scores)
    fewest = min(ranked, key=lambda scores: scores[RANDOM_MIN_DETECTIONS - 1] if len(scores) >= RANDOM_MIN_DETECTIONS else -1)
    # from RANDOM_MIN_DETECTIONS on the sparsest image down to a handful, then up
    start = min(RANDOM_MIN_DETECTIONS, len(fewest)) - 1
    ranks = list(range(start, 8, -1)) + list(range(start + 1, len(fewest) - 1))
    # where one image's scores crowd another's threshold (FCOS), a narrower margin must do
    for margin in THRESHOLD_MARGINS:
        for rank in ranks:
            # six significant digits: readable in metadata, and still between two crowded scores
            threshold = float(f"{(fewest[rank] + fewest[rank + 1]) / 2:.6g}")
            if min(abs(score - threshold) for score in every_score) >= margin:
                return threshold
    raise SystemExit("no score threshold with a clear margin: pass --score-threshold")


def set_thresholds(model, family, score_threshold, detections_per_image):
    head = model.roi_heads if family == "faster_rcnn" else model
    head.score_thresh = score_threshold
    head.detections_per_img = detections_per_image


# ---------------------------------------------------------------- TorchScript without torchvision ops

def script_without_torchvision_ops(model, name, roi_align=None):
    """The detector scripted with the pure ops in place of torchvision's; ``roi_align`` defaults to the exact one."""
    import torch
    import torchvision.models.detection.anchor_utils
    import torchvision.models.detection.transform
    import torchvision.ops.boxes
    import torchvision.ops.poolers
    import pure_ops

    # The detection code resolves these module globals when it is scripted; patching
    # torchvision.ops.nms alone would leave the C++ ops in the graph. The resize is replaced
    # too: see pure_ops.resize_bilinear.
    torchvision.ops.boxes.nms = pure_ops.nms
    torchvision.ops.poolers.roi_align = roi_align or pure_ops.roi_align
    transform = torchvision.models.detection.transform
    transform._resize_image_and_masks = pure_ops.resize_image_and_masks_like(transform._resize_image_and_masks)
    torchvision.models.detection.anchor_utils.AnchorGenerator.forward = pure_ops.anchors_forward

    class ScriptedDetector(torch.nn.Module):
        def __init__(self, detector):
            super().__init__()
            self.detector = detector

        def forward(self, image: torch.Tensor):
            detections = self.detector([image])[1][0]
            return detections["boxes"], detections["scores"], detections["labels"]

        @torch.jit.export
        def detect_batch(self, images: List[torch.Tensor]) -> List[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
            """Several images in one forward, for dynamic batching: (boxes, scores, labels) per image."""
            results: List[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
            for detections in self.detector(images)[1]:
                results.append((detections["boxes"], detections["scores"], detections["labels"]))
            return results

    scripted = torch.jit.script(ScriptedDetector(model).eval())
    # the inlined graph holds every op the model can reach, inside every branch and loop
    leftovers = sorted(set(re.findall(r"torchvision::\w+", str(scripted.inlined_graph))))
    if leftovers:
        raise SystemExit(f"{name}: the TorchScript export still calls {', '.join(leftovers)}, "
                         f"which DJL's libtorch does not have")
    if 'prim::SetAttr[name="cell_anchors"]' in str(scripted.inlined_graph):
        raise SystemExit(f"{name}: the TorchScript forward writes the anchors into the module, "
                         f"which concurrent forwards share")
    return scripted


def compare(eager, boxes, scores, labels, what):
    """The scripted model with pure ops must give torchvision's own detections."""
    import torch
    if len(scores) != len(eager["scores"]) or not torch.equal(labels, eager["labels"]):
        raise SystemExit(f"{what}: TorchScript detections differ from torchvision eager "
                         f"({len(scores)} against {len(eager['scores'])} detections)")
    box_diff = float((boxes - eager["boxes"]).abs().max()) if len(scores) else 0.0
    score_diff = float((scores - eager["scores"]).abs().max()) if len(scores) else 0.0
    if box_diff > 1e-3 or score_diff > 1e-5:
        raise SystemExit(f"{what}: TorchScript differs from torchvision eager: box {box_diff}, score {score_diff}")
    return {"detections": len(scores), "maxBoxDiff": box_diff, "maxScoreDiff": score_diff}


def detect_eager(model, image):
    import torch
    with torch.no_grad():
        return model([image])[0]


# ---------------------------------------------------------------- metadata

def write_metadata(work, name, family, threshold, detections_per_image, weights_info, model, parity, pt_file):
    import torch
    import torchvision
    from torchvision.models import get_model_weights
    categories = list(get_model_weights(name).COCO_V1.meta["categories"])
    _, min_size, max_size = MODELS[name]
    metadata = {
        "format": FORMAT_VERSION,
        "name": name,
        "architecture": name,
        "family": family,
        "weights": weights_info,
        "scoreThreshold": threshold,
        "nmsThreshold": NMS_THRESHOLDS[family],
        "detectionsPerImage": detections_per_image,
        "parameters": sum(p.numel() for p in model.parameters()),
        "input": {"layout": "CHW", "dtype": "float32", "range": [0.0, 1.0], "color": "RGB",
                  "resize": {"minSize": min_size, "maxSize": max_size}, "normalized": "inside the model"},
        "outputs": ["boxes", "scores", "labels"],
        "categories": categories,
        "artifacts": {"torchscript": {"file": pt_file, "sha256": sha256(os.path.join(work, pt_file)),
                                      "pureOps": ["nms", "roi_align", "resize"]}},
        "parity": {"torchscriptVsEager": parity},
        "references": [n + ".json" for n, *_ in REFERENCE_IMAGES],
        "exporter": {"version": EXPORTER_VERSION, "torch": torch.__version__, "torchvision": torchvision.__version__,
                     "python": platform.python_version(), "onnxOpset": ONNX_OPSET},
    }
    write_json(os.path.join(work, "detector.json"), metadata)
    with open(os.path.join(work, "synset.txt"), "w") as f:
        f.write("\n".join(categories) + "\n")
    with open(os.path.join(work, "serving.properties"), "w") as f:
        f.write(f"# DJL model-directory convention; detector.json holds the full metadata\n"
                f"engine=PyTorch\noption.modelName={name}\n"
                f"translatorFactory=com.boxserve.zoo.DetectionTranslatorFactory\n"
                f"weights={weights_info['source']}\n")


# ---------------------------------------------------------------- images and files

def synthetic_image(width, height, seed):
    """A seeded, photo-like test image: shaded background, overlapping shapes, sensor noise."""
    from PIL import Image, ImageDraw, ImageFilter
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    top = [rng.randrange(256) for _ in range(3)]
    bottom = [rng.randrange(256) for _ in range(3)]
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    for _ in range(14):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        x1, y1 = x0 + rng.randrange(20, width // 2), y0 + rng.randrange(20, height // 2)
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x0, y0, x1, y1], fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    noise = Image.effect_noise((width, height), 12).convert("RGB")
    return Image.blend(image, noise, 0.08)


def load_image(path):
    from PIL import Image
    with Image.open(path) as image:
        return to_tensor(image.convert("RGB"))


def to_tensor(image):
    import torchvision.transforms.functional as F
    return F.to_tensor(image)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
