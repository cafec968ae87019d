#!/usr/bin/env bash
# benchmarks/worker-memory.sh [ENGINE] [MODELS_DIR]: what one more concurrent worker costs in memory,
# the figure behind ModelSettingsRules.WORKER_PEAK_BYTES. Starts the service (built jar) on the
# largest model with 1 and then 2 workers, sends that many concurrent requests twice with a 1333x800
# PNG (the largest input the transform makes), and prints the peak resident memory (VmHWM) of each.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
engine=${1:-pytorch}
models=$(cd "${2:-build/models}" && pwd)
model=fasterrcnn_resnet50_fpn_v2
port=${PORT:-18082}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
/usr/bin/python3 -c "
import sys; sys.path.insert(0, 'model-zoo/exporter'); import export_detectors
export_detectors.synthetic_image(1333, 800, 5).save('$work/large.png')"
for workers in 1 2; do
    OPT_OUT_TRACKING=true java -Dai.djl.offline=true -jar service/target/service-0.1.0-SNAPSHOT.jar --server.port=$port \
        --boxserve.models.directory="$models" --boxserve.models.include=$model --boxserve.models.engine=$engine \
        --boxserve.models.workers=$workers --boxserve.models.warmup-passes=1 > "$work/service.log" 2>&1 &
    pid=$!
    until curl -sf localhost:$port/actuator/health/readiness > /dev/null; do
        kill -0 $pid 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
        sleep 1
    done
    ready=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
    for round in 1 2; do
        clients=()
        for i in $(seq 1 $workers); do
            curl -sf -o /dev/null -H 'Content-Type: image/png' --data-binary @"$work/large.png" \
                localhost:$port/v1/models/$model/detect &
            clients+=($!)
        done
        wait "${clients[@]}" # not a bare wait: the service is a child too
    done
    peak=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
    echo "$model $engine workers=$workers: VmHWM ready $((ready / 1024)) MiB, after $workers concurrent forwards $((peak / 1024)) MiB"
    kill $pid; wait $pid 2>/dev/null || true; pid=
done
