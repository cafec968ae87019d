#!/usr/bin/env bash
# One model's int8 against its fp32 on ONNX Runtime: bin/quantize on a copy of its export
# (calibrated on 8 generated scenes), then both forwards timed (ForwardBenchmark, as the service
# loads them) and the agreement bin/quantize measured. Prints JSON lines and appends them to
# benchmarks/results/int8-onnx.jsonl.
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
mkdir -p "$work/models"
"$python" model-zoo/exporter/generated_scenes.py "$work/calibration"
# the copy without its TorchScript model: only ONNX Runtime runs int8
mkdir "$work/models/$model" && cp -r "$models_dir/$model/detector.json" "$models_dir/$model"/*.onnx "$models_dir/$model/references" "$work/models/$model/"
flags=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx512f|avx512_bf16|avx512_vnni|avx_vnni|amx_int8' \
    | tr '\n' ' ' | sed 's/ $//')
results=benchmarks/results/int8-onnx.jsonl
mkdir -p benchmarks/results
bin/quantize "$work/models/$model" "$work/calibration" | sed "s/^{/{\"kind\": \"int8-export\", \"model\": \"$model\", /" \
    | tee -a "$results"
mvn -B -q -pl model-zoo -am test-compile dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" >&2
for precision in fp32 int8; do
    java -Dai.djl.offline=true -Dbench.engines=OnnxRuntime -Dbench.precision=$precision \
        -cp "model-zoo/target/classes:model-zoo/target/test-classes:$(cat "$work/classpath.txt")" \
        com.boxserve.zoo.bench.ForwardBenchmark "$work/models" "$models_dir/$model/references/landscape-640x480.png" \
        3 10 "$(nproc)" "$model" 2>/dev/null | grep '^{' | sed "s/^{/{\"cpuFlags\": \"$flags\", /" | tee -a "$results"
done
