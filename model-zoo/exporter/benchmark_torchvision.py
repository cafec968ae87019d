#!/usr/bin/env python3
"""torchvision's side of bin/benchmark: JSON lines for benchmarks/report.py.

  benchmark_torchvision.py time MODELS_DIR IMAGE WARMUP PASSES THREADS [NAMES...]
      forward time of torchvision eager and of the export's TorchScript in Python, and the
      multiply-accumulates of the eager forward
  benchmark_torchvision.py ops MODELS_DIR IMAGE WARMUP PASSES THREADS [NAMES...]
      the export's replacement NMS, RoIAlign and resize against torchvision's kernels

Eager torchvision (its C++ ops) is rebuilt with the export's own weights and thresholds: the
exporter's seeded construction for random weights, torchvision's download cache for official ones.
"""
import argparse
import json
import os
import sys
import time


def exported_models(args):
    """(name, metadata, eager model) for each export in the models directory that the arguments name.

    Eager torchvision (its C++ ops) is rebuilt with the export's own weights and thresholds.
    """
    import export_detectors as exporter
    for name in sorted(os.listdir(args.models_dir)):
        metadata_path = os.path.join(args.models_dir, name, "detector.json")
        if not os.path.isfile(metadata_path) or (args.names and name not in args.names):
            continue
        with open(metadata_path) as f:
            metadata = json.load(f)
        weights = metadata["weights"]
        build_args = argparse.Namespace(weights="random" if weights["source"] == "random" else "pretrained",
                                        weights_file=None, seed=weights.get("seed", 0))
        model, _ = exporter.build_model(metadata["architecture"], build_args)
        exporter.set_thresholds(model, metadata["family"], metadata["scoreThreshold"], metadata["detectionsPerImage"])
        yield name, metadata, model


def time_torchvision(args):
    import torch
    import export_detectors as exporter
    set_threads(args.threads)
    image = exporter.load_image(args.image)
    for name, metadata, model in exported_models(args):
        scripted = torch.jit.load(os.path.join(args.models_dir, name, metadata["artifacts"]["torchscript"]["file"]))
        for runtime, forward in [("torchvision eager", lambda: model([image])[0]["scores"]),
                                 ("TorchScript in Python", lambda: scripted(image)[1])]:
            with torch.no_grad():
                first = timed(forward)
                for _ in range(args.warmup - 1):
                    forward()
                passes = sorted(timed(forward) for _ in range(args.passes))
                detections = len(forward())
            print(json.dumps({"kind": "forward", "model": name, "engine": runtime, "firstMs": round(first, 1),
                              "medianMs": round(percentile(passes, 0.5), 1), "p90Ms": round(percentile(passes, 0.9), 1),
                              "passes": args.passes, "detections": detections}), flush=True)
        print(json.dumps({"kind": "macs", "model": name, **multiply_accumulates(model, image)}), flush=True)


def multiply_accumulates(model, image):
    """The multiply-accumulates (in billions) of one eager forward's convolutions and Linear layers.

    The report sets them against the CPU's fp32 peak: a floor under any fp32 forward. What is not
    counted (normalisation, activations, RoIAlign, NMS) only raises the true floor.
    """
    import torch
    counts = {"conv": 0, "linear": 0}

    def convolution(module, inputs, output):
        per_output = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
        counts["conv"] += output.numel() * per_output

    def linear(module, inputs, output):
        counts["linear"] += output.numel() * module.in_features
    hooks = [module.register_forward_hook(convolution if isinstance(module, torch.nn.Conv2d) else linear)
             for module in model.modules() if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear))]
    try:
        with torch.no_grad():
            model([image])
    finally:
        for hook in hooks:
            hook.remove()
    return {"convGmac": round(counts["conv"] / 1e9, 2), "linearGmac": round(counts["linear"] / 1e9, 2),
            "gmac": round((counts["conv"] + counts["linear"]) / 1e9, 2)}


def time_replacement_ops(args):
    """What the export's pure NMS, RoIAlign and resize cost against torchvision's kernels, per forward.

    One eager forward at the export's thresholds records every call of the three ops with its
    real inputs; then each recorded call is timed with the C++ kernel and with the scripted
    replacement (as the export runs it), summed per forward, median of the passes.
    """
    import torch
    import torchvision.models.detection.transform as transform
    import torchvision.ops.boxes as boxes_module
    import torchvision.ops.poolers as poolers
    import export_detectors as exporter
    import pure_ops
    set_threads(args.threads)
    image = exporter.load_image(args.image)
    originals = {"nms": boxes_module.nms, "roi_align": poolers.roi_align, "resize": transform._resize_image_and_masks}
    replacements = {"nms": torch.jit.script(pure_ops.nms), "roi_align": torch.jit.script(pure_ops.roi_align),
                    "resize": torch.jit.script(pure_ops.resize_image_and_masks_like(originals["resize"]))}
    for name, metadata, model in exported_models(args):
        calls = {op: [] for op in originals}

        def recorder(op):
            def record(*call_args, **kwargs):
                calls[op].append((call_args, kwargs))
                return originals[op](*call_args, **kwargs)
            return record
        boxes_module.nms, poolers.roi_align, transform._resize_image_and_masks = (
            recorder("nms"), recorder("roi_align"), recorder("resize"))
        try:
            with torch.no_grad():
                model([image])
        finally:
            boxes_module.nms, poolers.roi_align, transform._resize_image_and_masks = originals.values()
        with torch.no_grad():
            for _ in range(args.warmup):
                model([image])
            forward_ms = percentile(sorted(timed(lambda: model([image])) for _ in range(args.passes)), 0.5)
        row = {"kind": "ops", "model": name, "eagerForwardMs": round(forward_ms, 1),
               "scoreThreshold": metadata["scoreThreshold"], "detectionsPerImage": metadata["detectionsPerImage"]}
        added = 0.0
        for op, recorded in calls.items():
            if not recorded:
                continue
            cost = {}
            for side, function in [("cpp", originals[op]), ("pure", replacements[op])]:
                def run_all():
                    for call_args, kwargs in recorded:
                        function(*call_args, **kwargs)
                with torch.no_grad():
                    run_all()
                    cost[side] = percentile(sorted(timed(run_all) for _ in range(args.passes)), 0.5)
            largest = max(len(a[0]) for a, _ in recorded) if op == "nms" else None
            row[op] = {"calls": len(recorded), "cppMs": round(cost["cpp"], 2), "pureMs": round(cost["pure"], 2),
                       **({"largestInput": largest} if largest is not None else {})}
            added += cost["pure"] - cost["cpp"]
        row["addedMs"] = round(added, 1)
        row["addedPercent"] = round(100 * added / forward_ms, 1)
        print(json.dumps(row), flush=True)


def set_threads(threads):
    import torch
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)


def timed(function):
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def percentile(values, p):
    import math
    rank = math.ceil(p * len(values))
    return values[max(0, min(len(values) - 1, rank - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for command in ("time", "ops"):
        p = sub.add_parser(command)
        p.add_argument("models_dir")
        p.add_argument("image")
        p.add_argument("warmup", type=int)
        p.add_argument("passes", type=int)
        p.add_argument("threads", type=int)
        p.add_argument("names", nargs="*")
    args = parser.parse_args()
    (time_torchvision if args.command == "time" else time_replacement_ops)(args)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
