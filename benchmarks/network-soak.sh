#!/usr/bin/env bash
# benchmarks/network-soak.sh [REQUESTS] [EVERY]: the network builder's memory under a soak. Starts the
# service (built jar) with no detection model, sends REQUESTS copies of the cnn-bars preset with weight decay (conv2d,
# relu, maxPool2d, flatten, linear: 15 epochs of 240 images) at two clients through Soak.java, and
# prints the service's resident memory every EVERY requests; a leak shows as a slope. The lines also go
# to benchmarks/results/network-soak-<cpu>.jsonl.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
requests=${1:-200}
every=${2:-20}
port=${PORT:-18083}
work=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/empty"
# with weight decay, whose term once dragged an autograd graph into the optimizer's state
echo '{"preset": "cnn-bars", "optimizer": {"weightDecay": 0.0001}}' > "$work/request.json"
OPT_OUT_TRACKING=true java -Dai.djl.offline=true -jar service/target/service-0.1.0-SNAPSHOT.jar --server.port=$port \
    --boxserve.models.directory="$work/empty" > "$work/service.log" 2>&1 &
pid=$!
# liveness: with no detection model, readiness stays OUT_OF_SERVICE
until curl -sf localhost:$port/actuator/health/liveness > /dev/null; do
    kill -0 $pid 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
    sleep 1
done
cpu=$(lscpu | sed -n 's/^Model name: *//p' | tr ' ' '-' | tr -cd 'A-Za-z0-9-' | tr 'A-Z' 'a-z')
out=benchmarks/results/network-soak-$cpu.jsonl
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(date -u +%FT%TZ): $requests cnn-bars networks" | tee "$out"
java benchmarks/Soak.java "http://localhost:$port/v1/training/networks" "$work/request.json" application/json \
    "$requests" "$every" "$pid" | tee -a "$out"
