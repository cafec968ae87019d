#!/usr/bin/env bash
# Issue 28's int8 trial, one model at a time: the backbone and FPN of an ONNX export quantized to
# int8 (model-zoo/exporter/quantize_onnx.py, calibrated on 8 generated scenes), then its forward
# against fp32's on ONNX Runtime (ForwardBenchmark) and its agreement with fp32 on the reference
# images and 20 other generated scenes (PrecisionAgreement). Prints JSON lines and appends them to
# benchmarks/results/int8-onnx.jsonl. Not wired into the service: see benchmarks/tried.md.
#
#   benchmarks/int8-onnx.sh MODEL [MODELS_DIR]      (default build/models)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export OPT_OUT_TRACKING=true
model=$1
models_dir=$(cd "${2:-build/models}" && pwd)
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -B -q -pl model-zoo -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt"
classpath="model-zoo/target/classes:model-zoo/target/test-classes:$(cat "$work/classpath.txt")"
jvm=(java -Dai.djl.offline=true -cp "$classpath")
quantize=model-zoo/exporter/quantize_onnx.py
onnx=$models_dir/$model/$model.onnx

"$python" - "$work" <<'PY'
import sys
sys.path.insert(0, "model-zoo/exporter")
import export_detectors as exporter
for i in range(8):
    exporter.synthetic_image(640, 480, 2000 + i).save(f"{sys.argv[1]}/calibration-{i}.png")
for i in range(20):
    exporter.synthetic_image(640, 480, 3000 + i).save(f"{sys.argv[1]}/scene-{i:02d}.png")
PY
"$python" $quantize mark "$onnx" "$work/marked.onnx"
"${jvm[@]}" com.boxserve.zoo.bench.OnnxCalibration "$work/marked.onnx" "$work/ranges.json" "$work"/calibration-*.png
"$python" $quantize quantize "$onnx" "$work/ranges.json" "$work/int8.onnx"

# the same export with its ONNX model swapped, so that ForwardBenchmark times it as the service would
mkdir -p "$work/int8-models"
cp -r "$models_dir/$model" "$work/int8-models/"
cp "$work/int8.onnx" "$work/int8-models/$model/$model.onnx"
results=benchmarks/results/int8-onnx.jsonl
mkdir -p benchmarks/results
for dir in "$models_dir" "$work/int8-models"; do
    precision=fp32
    [ "$dir" = "$models_dir" ] || precision=int8
    "${jvm[@]}" -Dbench.engines=OnnxRuntime com.boxserve.zoo.bench.ForwardBenchmark "$dir" \
        "$models_dir/$model/references/landscape-640x480.png" 3 10 "$(nproc)" "$model" 2>/dev/null | grep '^{' \
        | sed "s/^{/{\"precision\": \"$precision\", \"cpuFlags\": \"$(grep -m1 '^flags' /proc/cpuinfo \
        | tr ' ' '\n' | grep -xE 'avx512f|avx512_bf16|avx512_vnni|avx_vnni|amx_int8' | tr '\n' ' ' | sed 's/ $//')\", /" \
        | tee -a "$results"
done
"$python" $quantize expose "$onnx" "$work/fp32-exposed.onnx"
"$python" $quantize expose "$work/int8.onnx" "$work/int8-exposed.onnx"
"${jvm[@]}" com.boxserve.zoo.bench.PrecisionAgreement "$work/fp32-exposed.onnx" "$work/int8-exposed.onnx" \
    "$models_dir/$model"/references/*.png "$work"/scene-*.png | sed "s/^{/{\"model\": \"$model\", /" | tee -a "$results"
