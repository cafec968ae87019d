#!/usr/bin/env python3
"""torchvision's side of bin/benchmark-forward, and the report that puts both sides together.

  benchmark_torchvision.py time MODELS_DIR IMAGE WARMUP PASSES THREADS [NAMES...]   -> JSON lines
  benchmark_torchvision.py report RESULTS.jsonl OUT.md                              -> Markdown table

Eager torchvision (its C++ ops) is rebuilt with the export's own weights and thresholds: the
exporter's seeded construction for random weights, torchvision's download cache for official ones.
"""
import argparse
import json
import os
import platform
import sys
import time


def time_torchvision(args):
    import torch
    import export_detectors as exporter
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    image = exporter.load_image(args.image)
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
        scripted = torch.jit.load(os.path.join(args.models_dir, name, metadata["artifacts"]["torchscript"]["file"]))
        for runtime, forward in [("torchvision eager", lambda: model([image])[0]["scores"]),
                                 ("TorchScript in Python", lambda: scripted(image)[1])]:
            with torch.no_grad():
                started = time.perf_counter()
                forward()
                first = (time.perf_counter() - started) * 1000
                for _ in range(args.warmup - 1):
                    forward()
                passes = []
                for _ in range(args.passes):
                    started = time.perf_counter()
                    detections = len(forward())
                    passes.append((time.perf_counter() - started) * 1000)
            passes.sort()
            print(json.dumps({"model": name, "engine": runtime, "firstMs": round(first, 1),
                              "medianMs": round(percentile(passes, 0.5), 1), "p90Ms": round(percentile(passes, 0.9), 1),
                              "passes": args.passes, "detections": detections}), flush=True)


def percentile(values, p):
    import math
    rank = math.ceil(p * len(values))
    return values[max(0, min(len(values) - 1, rank - 1))]


def report(args):
    rows = [json.loads(line) for line in open(args.results) if line.startswith("{")]
    engines = ["torchvision eager", "TorchScript in Python", "PyTorch", "OnnxRuntime"]
    by_model = {}
    for row in rows:
        by_model.setdefault(row["model"], {})[row["engine"]] = row
    lines = [
        "# Forward time: DJL against torchvision",
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores; {args.threads} intra-op threads everywhere; "
        f"image {os.path.basename(args.image)}; median and p90 of {rows[0]['passes'] if rows else 0} passes after warm-up.",
        f"DJL: one `Detector.detect` call (translator included). torchvision: `model([image])`. Versions: {versions()}.",
        "",
        "| model | torchvision eager | TorchScript in Python | DJL PyTorch | DJL ONNX Runtime | DJL PyTorch / eager | DJL ONNX Runtime / eager |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for model in sorted(by_model):
        cells = by_model[model]
        def fmt(engine):
            row = cells.get(engine)
            return f"{row['medianMs']:.0f} ms (p90 {row['p90Ms']:.0f})" if row else "-"
        def ratio(engine):
            row, eager = cells.get(engine), cells.get("torchvision eager")
            return f"{row['medianMs'] / eager['medianMs']:.2f}" if row and eager else "-"
        lines.append(f"| `{model}` | " + " | ".join(fmt(e) for e in engines) + f" | {ratio('PyTorch')} | {ratio('OnnxRuntime')} |")
    lines += ["", "First call after load (ms), which warm-up absorbs before a model serves:", "",
              "| model | " + " | ".join(engines) + " |", "| --- |" + " --- |" * len(engines)]
    for model in sorted(by_model):
        lines.append(f"| `{model}` | " + " | ".join(
            f"{by_model[model][e]['firstMs']:.0f}" if e in by_model[model] else "-" for e in engines) + " |")
    with open(args.out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def versions():
    import torch
    import torchvision
    return f"torch {torch.__version__}, torchvision {torchvision.__version__}, DJL 0.36.0 (libtorch 2.7.1, ONNX Runtime 1.21.1)"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    t = sub.add_parser("time")
    t.add_argument("models_dir")
    t.add_argument("image")
    t.add_argument("warmup", type=int)
    t.add_argument("passes", type=int)
    t.add_argument("threads", type=int)
    t.add_argument("names", nargs="*")
    r = sub.add_parser("report")
    r.add_argument("results")
    r.add_argument("out")
    r.add_argument("--image", default="")
    r.add_argument("--threads", default="")
    args = parser.parse_args()
    if args.command == "time":
        time_torchvision(args)
    else:
        report(args)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
