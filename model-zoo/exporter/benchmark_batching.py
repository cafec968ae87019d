#!/usr/bin/env python3
"""Dynamic batching's throughput gain: the export's ``detect_batch`` at batch sizes 1, 2, 4, 8.

  benchmark_batching.py [--model NAME] [--device cuda|cpu] [--batch-sizes 1 2 4 8] [--seconds S] [--out FILE.json]

The service batches queued images of one size into one call of the TorchScript method
``detect_batch`` (``Detector.detectBatch``). This builds that export in process, the exporter's
way (seeded random weights, threshold read off the reference images, torchvision's ops replaced
by pure_ops), runs it on the device, and times full batches of distinct same-size images. The
same batches through torchvision eager (its C++/CUDA ops) are timed beside it as the baseline.

It needs no JDK and no exported files, so it runs where the Java service cannot, e.g. a GPU
machine with its own PyTorch and no network.
"""
import argparse
import json
import os
import platform
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="fasterrcnn_resnet50_fpn")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per batch size and runtime")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="JSON results file")
    args = parser.parse_args()

    import torch
    import torchvision
    import export_detectors as exporter

    device = torch.device(args.device)
    if device.type == "cuda":
        # TorchScript's TensorExpr fuser fails on this graph on CUDA ("Global alloc not supported
        # yet", torch 2.11); a service on a GPU turns the graph optimizer off the same way
        torch._C._jit_set_texpr_fuser_enabled(False)
    family = exporter.MODELS[args.model][0]
    build = argparse.Namespace(weights="random", weights_file=None, seed=args.seed)
    model, _ = exporter.build_model(args.model, build)
    references = [exporter.to_tensor(exporter.synthetic_image(w, h, seed)) for _, w, h, seed in exporter.REFERENCE_IMAGES]
    threshold = exporter.random_threshold(model, family, references)
    exporter.set_thresholds(model, family, threshold, exporter.RANDOM_DETECTIONS_PER_IMAGE)
    # distinct images of one size: the service only batches images of the same size
    images = [exporter.to_tensor(exporter.synthetic_image(640, 480, 1000 + i)).to(device)
              for i in range(max(args.batch_sizes))]

    results = {"model": args.model, "device": describe(device), "torch": torch.__version__,
               "torchvision": torchvision.__version__, "python": platform.python_version(),
               "image": "640x480, distinct seeded synthetic images", "scoreThreshold": threshold,
               "weights": f"random, seed {args.seed}", "runtimes": {},
               "tensorExprFuser": torch._C._jit_texpr_fuser_enabled()}
    runtimes = [("torchvision eager", lambda batch: model(batch))]
    try:
        scripted = exporter.script_without_torchvision_ops(model, args.model).to(device)
        runtimes.insert(0, ("TorchScript detect_batch", lambda batch: scripted.detect_batch(batch)))
    except Exception as e:  # the eager baseline is still worth having
        results["scriptingError"] = f"{type(e).__name__}: {e}"
        print(f"scripting failed: {results['scriptingError']}", file=sys.stderr)
    model.to(device)

    for runtime, forward in runtimes:
        rows = []
        for size in args.batch_sizes:
            rows.append(time_batches(forward, images[:size], args.seconds, device))
            rows[-1]["gainOverBatch1"] = round(rows[-1]["imagesPerSecond"] / rows[0]["imagesPerSecond"], 2)
            print(json.dumps({"runtime": runtime, **rows[-1]}), flush=True)
        results["runtimes"][runtime] = rows
    if "TorchScript detect_batch" in results["runtimes"]:
        results["parity"] = batch_parity(scripted, images[:max(args.batch_sizes)])
        print(json.dumps({"parity": results["parity"]}), flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
            f.write("\n")
    return 0


def time_batches(forward, batch, seconds, device):
    import torch
    from benchmark_torchvision import percentile
    with torch.no_grad():
        for _ in range(3):
            forward(batch)
        synchronize(device)
        latencies = []
        started = time.perf_counter()
        while time.perf_counter() - started < seconds or len(latencies) < 5:
            begun = time.perf_counter()
            forward(batch)
            synchronize(device)
            latencies.append((time.perf_counter() - begun) * 1000)
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"batchSize": len(batch), "batches": len(latencies),
            "imagesPerSecond": round(len(batch) * len(latencies) / elapsed, 2),
            "batchMedianMs": round(percentile(latencies, 0.5), 2), "batchP90Ms": round(percentile(latencies, 0.9), 2)}


def batch_parity(scripted, images):
    """Each image's detections from one batch against the same image alone (BatchingTest asserts this on CPU)."""
    import torch
    with torch.no_grad():
        batched = scripted.detect_batch(images)
        counts, worst = [], 0.0
        for image, (boxes, scores, labels) in zip(images, batched):
            alone = scripted.detect_batch([image])[0]
            counts.append([len(scores), len(alone[1])])
            if len(scores) == len(alone[1]) and len(scores):
                worst = max(worst, float((boxes - alone[0]).abs().max()))
    return {"images": len(images), "countsBatchedVsAlone": counts,
            "countsEqual": all(a == b for a, b in counts), "maxBoxDiffPxWhereCountsEqual": worst}


def synchronize(device):
    import torch
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def describe(device):
    import torch
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    sys.exit(main())
