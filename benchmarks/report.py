#!/usr/bin/env python3
"""The results of bin/benchmark: Markdown, JSON and an SVG chart from its JSON lines (standard library only).

  report.py report RESULTS.jsonl OUT_PREFIX       -> OUT_PREFIX.md, OUT_PREFIX.json, OUT_PREFIX.svg
  report.py best-fp32-engine RESULTS.jsonl MODEL  -> the DJL engine of MODEL's fastest fp32 forward so far
"""
import json
import os
import sys

TARGET_MODEL = "fasterrcnn_mobilenet_v3_large_320_fpn"
OVERHEAD_TARGET = 1.10
# the Open Inference Protocol, REST and gRPC, each within 5 % of /v1 end to end at one client
EVALUATION_LIVE_TARGET = 1.5  # live p99 with an evaluation job running / without (issue 15)
PROTOCOL_TARGET = 1.05
ENGINE_TARGET = 0.50  # the best fp32 forward against torchvision eager (issue 28; 0.8 before)
OPS_TARGET_PERCENT = 5.0
MEMORY_TARGET_PERCENT = 5.0
# Under overload: the served rate at these client counts against the rate at the saturating one
GOODPUT_SHARE = 0.90
GOODPUT_SATURATING_CLIENTS = 2
GOODPUT_OVERLOAD_CLIENTS = (32, 64)
REFUSED_P99_TARGET_MS = 50.0
DEADLINE_MET_SHARE = 0.95  # of the served answers, for clients that send a deadline (issue 29)
REDUCED_SPEEDUP_TARGET = 1.8  # int8 and bf16 against the best fp32 forward, for the ResNet-50 models (issue 28)
REDUCED_PRECISIONS = ("int8", "bf16")
RUNTIMES = ["torchvision eager", "TorchScript in Python", "PyTorch", "OnnxRuntime"]
DJL = {"PyTorch": "pytorch", "OnnxRuntime": "onnxruntime"}
COLOURS = {"torchvision eager": "#888888", "TorchScript in Python": "#c9a227", "PyTorch": "#d0542b",
           "OnnxRuntime": "#2b6cd0"}
TRIED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tried.md")


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def forward_table(rows):
    """fp32 forwards by model and runtime (the int8 and bf16 ones, and fp32's timed beside them, are reduced_rows')."""
    table = {}
    for row in rows:
        if row["kind"] == "forward" and row.get("precision", "fp32") == "fp32" and "beside" not in row:
            table.setdefault(row["model"], {})[row["engine"]] = row
    return table


def reduced_rows(rows, forward, precision, peak):
    """Per model: a reduced precision's forward against the best fp32 one, timed in turn with it where the run did
    (else the fp32 forward timed before), the agreement its export measured, and, where the run measured this
    precision's peak, the forward and the speed-up target set against the floor at that peak."""
    exports = {row["model"]: row for row in rows if row["kind"] == f"{precision}-export"}
    macs = {row["model"]: row for row in rows if row["kind"] == "macs"}
    beside = {row["model"]: row for row in rows if row["kind"] == "forward" and row.get("beside") == precision}
    found = []
    for row in rows:
        if row["kind"] != "forward" or row.get("precision") != precision:
            continue
        best = best_engine(forward, row["model"])
        fp32_row = beside.get(row["model"]) or (forward[row["model"]][best] if best else None)
        fp32 = fp32_row["medianMs"] if fp32_row else None
        export = exports.get(row["model"], {})
        floor = peak_floor_ms(macs.get(row["model"]), peak)
        found.append({"model": row["model"], "engine": row["engine"], "reducedMs": row["medianMs"], "fp32BestMs": fp32,
                      "fp32BestEngine": fp32_row["engine"] if fp32_row else None, "fp32TimedBeside": row["model"] in beside,
                      "speedUp": round(fp32 / row["medianMs"], 2) if fp32 else None,
                      "calibrationImages": export.get("calibrationImages"), "agreement": export.get("agreement"),
                      "gmac": macs[row["model"]]["gmac"] if floor else None, "peakFloorMs": floor,
                      "peakShare": round(floor / row["medianMs"], 2) if floor else None,
                      "targetPeakShare": round(floor * REDUCED_SPEEDUP_TARGET / fp32, 2) if floor and fp32 else None})
    return found


def peak_floor_ms(macs, peak):
    """The least time a forward's multiply-accumulates take at one of the CPU's measured peaks."""
    if not macs or not peak:
        return None
    return round(1000 * macs["gmac"] / peak["gmacPerSecond"], 1)


def best_engine(forward, model):
    djl = {engine: forward[model][engine]["medianMs"] for engine in DJL if engine in forward.get(model, {})}
    return min(djl, key=djl.get) if djl else None


def summarise(rows):
    run = next(row for row in rows if row["kind"] == "run")
    forward = forward_table(rows)
    served = {row["model"]: row["engine"] for row in rows if row["kind"] == "served"}
    reasons = {row["model"]: row.get("engineReason") for row in rows if row["kind"] == "served"}
    http = [row for row in rows if row["kind"] == "http"]
    ops = [row for row in rows if row["kind"] == "ops"]
    decode = [row for row in rows if row["kind"] == "decode"]
    rss = [row for row in rows if row["kind"] == "rss"]
    goodput = [row for row in rows if row["kind"] == "goodput"]
    goodput_settings = next((row for row in rows if row["kind"] == "goodput-settings"), None)
    deadline_settings = next((row for row in rows if row["kind"] == "deadline-settings"), None)
    disconnects = [row for row in rows if row["kind"] == "disconnects"]
    targets = []

    overhead = []
    for row in http:
        if row["clients"] != 1:
            continue
        engine = served.get(row["model"])
        in_process = forward.get(row["model"], {}).get(engine, {}).get("medianMs")
        eager = forward.get(row["model"], {}).get("torchvision eager", {}).get("medianMs")
        overhead.append({"model": row["model"], "engine": engine, "contentType": row["contentType"],
                         "endToEndP50Ms": row["p50Ms"], "inProcessForwardP50Ms": in_process,
                         "eagerForwardP50Ms": eager, "engineReason": reasons.get(row["model"]),
                         "overEager": round(row["p50Ms"] / eager, 3) if eager else None,
                         "serviceInferenceP50Ms": row["serviceInferenceP50Ms"],
                         "serviceDecodeP50Ms": row["serviceDecodeP50Ms"],
                         "ratio": round(row["p50Ms"] / in_process, 3) if in_process else None})
    for row in overhead:
        if row["model"] == TARGET_MODEL and row["contentType"] == "image/jpeg" and row["ratio"]:
            targets.append(verdict(f"service overhead, `{TARGET_MODEL}` (end-to-end p50 / in-process forward p50, "
                                   f"{row['engine']}, JPEG)", row["ratio"], OVERHEAD_TARGET, "{:.3f}"))

    peak = next((row for row in rows if row["kind"] == "fp32-peak"), None)
    macs = {row["model"]: row for row in rows if row["kind"] == "macs"}
    engines = []
    for model in sorted(forward):
        eager = forward[model].get("torchvision eager", {}).get("medianMs")
        best = best_engine(forward, model)
        if eager and best:
            best_ms = forward[model][best]["medianMs"]
            ratio = round(best_ms / eager, 3)
            floor = peak_floor_ms(macs.get(model), peak)
            engines.append({"model": model, "bestEngine": best, "bestMs": best_ms, "eagerMs": eager, "ratio": ratio,
                            "gmac": macs[model]["gmac"] if floor else None, "peakFloorMs": floor,
                            "peakShare": round(floor / best_ms, 2) if floor else None})
            judged = verdict(f"best engine / torchvision eager, `{model}` ({best})", ratio, ENGINE_TARGET, "{:.2f}")
            if not judged["met"] and floor and ENGINE_TARGET * eager < floor:
                judged["outcome"] += (f"; out of reach in fp32 on this CPU: {ENGINE_TARGET} x eager is "
                                      f"{ENGINE_TARGET * eager:.0f} ms, its {macs[model]['gmac']} GMAC take "
                                      f"{floor:.0f} ms at the fp32 peak")
            targets.append(judged)

    reduced_peaks = {precision: next((row for row in rows if row["kind"] == f"{precision}-peak"), None)
                     for precision in REDUCED_PRECISIONS}
    reduced = {precision: reduced_rows(rows, forward, precision, reduced_peaks[precision])
               for precision in REDUCED_PRECISIONS}
    skipped = {precision: next((row["reason"] for row in rows if row["kind"] == f"{precision}-skipped"), None)
               for precision in REDUCED_PRECISIONS}
    for precision in REDUCED_PRECISIONS:
        for row in reduced[precision]:
            if "resnet50" in row["model"] and row["speedUp"]:
                judged = verdict(f"{precision} speed-up over the best fp32 forward, `{row['model']}`",
                                 row["speedUp"], REDUCED_SPEEDUP_TARGET, "{:.2f}", at_least=True)
                if not judged["met"] and row["targetPeakShare"]:
                    judged["outcome"] += ((f"; out of reach in {precision} on this CPU" if row["targetPeakShare"] > 1
                                           else f"; needs {row['targetPeakShare']:.2f} of the {precision} peak")
                                          + f" for the whole forward, this one uses {row['peakShare']:.2f}")
                targets.append(judged)

    for row in ops:
        targets.append(verdict(f"replacement ops' added share of a forward, `{row['model']}`", row["addedPercent"],
                               OPS_TARGET_PERCENT, "{:.1f} %"))

    memory = None
    soak = [row for row in rss if row["point"] == "soak"]
    if len(soak) > 1:
        warmed, last = soak[0]["rssKb"], soak[-1]
        change = round(100 * (last["rssKb"] - warmed) / warmed, 1)
        memory = {"warmedUpKb": warmed, "afterKb": last["rssKb"], "requests": last["requests"], "changePercent": change,
                  "soakFailures": sum(row["failures"] for row in soak)}
        targets.append(verdict(f"resident memory after {last['requests']} soak requests vs the soak's start "
                               f"(warmed up by all the traffic above)", abs(change), MEMORY_TARGET_PERCENT, "{:.1f} %"))
    targets += goodput_targets(goodput, goodput_settings, deadline_settings, disconnects)
    protocols = protocol_rows(rows, http)
    for row in protocols[1:]:
        targets.append(verdict(f"{row['protocol']} end-to-end p50 / /v1's, `{TARGET_MODEL}`, 1 client, JPEG",
                               row["overV1"], PROTOCOL_TARGET, "{:.3f}"))
    evaluation = evaluation_summary(rows)
    if evaluation["live"]:
        targets.append(verdict(f"live p99 with an evaluation job running / without, `{TARGET_MODEL}`, 1 client",
                               evaluation["live"]["p99Ratio"], EVALUATION_LIVE_TARGET, "{:.2f}"))
    return {"run": run, "targets": targets, "forward": forward, "served": served, "reasons": reasons, "http": http,
            "overhead": overhead, "engines": engines, "ops": ops, "decode": decode, "rss": rss, "memory": memory,
            "goodput": goodput, "goodputSettings": goodput_settings, "deadlineSettings": deadline_settings,
            "disconnects": disconnects, "protocols": protocols, "evaluation": evaluation, "reduced": reduced,
            "reducedSkipped": skipped, "fp32Peak": peak, "reducedPeaks": reduced_peaks}


def evaluation_summary(rows):
    """Evaluation throughput per model, and live traffic's latency without and with a job running."""
    live = {row["job"]: row for row in rows if row["kind"] == "live"}
    beside = next((row for row in rows if row["kind"] == "evaluation-beside-live"), None)
    summary = {"models": [row for row in rows if row["kind"] == "evaluation"], "live": None}
    if False in live and True in live:
        without, during = live[False], live[True]
        summary["live"] = {"withoutP50Ms": without["p50Ms"], "withoutP99Ms": without["p99Ms"],
                           "withP50Ms": during["p50Ms"], "withP99Ms": during["p99Ms"],
                           "p99Ratio": round(during["p99Ms"] / without["p99Ms"], 2),
                           "jobImagesPerSecond": beside["imagesPerSecond"] if beside else None}
    return summary


def protocol_rows(rows, http):
    """/v1, the Open Inference Protocol's REST (binary data) and gRPC at one client, p50 side by side."""
    v1 = next((row for row in http if row["model"] == TARGET_MODEL and row["clients"] == 1
               and row["contentType"] == "image/jpeg"), None)
    others = [row for row in rows if row["kind"] == "protocol"]
    if v1 is None or not others:
        return []
    table = [{"protocol": "/v1 (JPEG body)", "p50Ms": v1["p50Ms"], "p99Ms": v1["p99Ms"], "requests": v1["requests"],
              "failures": v1["failures"], "overV1": 1.0}]
    names = {"v2": "/v2 REST (binary tensor data)", "grpc": "gRPC ModelInfer"}
    for row in others:
        table.append({"protocol": names.get(row["protocol"], row["protocol"]), "p50Ms": row["p50Ms"],
                      "p99Ms": row["p99Ms"], "requests": row["requests"], "failures": row["failures"],
                      "overV1": round(row["p50Ms"] / v1["p50Ms"], 3)})
    return table


def goodput_targets(levels, settings, deadline_settings=None, disconnects=()):
    """The overload targets of issues 11 and 29, from the goodput levels: one fresh service, one model, one image.

    The levels are told apart by their clients: those that wait out Retry-After (the queue's
    targets), those that retry at once (the served rate only), and those that send a deadline,
    run with the model's max-queue-delay set (served p99 within it, answers within the deadline).
    """
    def level(honoured, deadline):
        return {row["clients"]: row for row in levels
                if row.get("retryAfterHonoured", True) == honoured and (row.get("deadlineMs") is not None) == deadline}
    by_clients, at_once, with_deadline = level(True, False), level(False, False), level(True, True)
    saturating, single = by_clients.get(GOODPUT_SATURATING_CLIENTS), by_clients.get(1)
    overloaded = [by_clients[c] for c in GOODPUT_OVERLOAD_CLIENTS if c in by_clients]
    if not (saturating and single and overloaded and settings):
        return []
    targets = []

    def served_share(row, who):
        share = round(row["servedPerSecond"] / saturating["servedPerSecond"], 3)
        targets.append(verdict(f"served rate at {row['clients']} clients{who} / at {GOODPUT_SATURATING_CLIENTS} "
                               f"({row['servedPerSecond']:.2f} / {saturating['servedPerSecond']:.2f} per s)",
                               share, GOODPUT_SHARE, "{:.3f}", at_least=True))
    for row in overloaded:
        served_share(row, "")
    wrong = sum(row["otherStatuses"] + row["socketErrors"] for row in by_clients.values())
    targets.append(verdict("answers other than 200 or 503, or socket errors, at every goodput level", wrong, 0, "{}"))
    places = settings["queueCapacity"] + settings["workers"] + 1
    limit = round(places * single["servedP50Ms"], 1)
    # a level that served nothing has no served p99: its served share, judged above, says so
    for row in overloaded:
        if row["servedP99Ms"] is not None:
            targets.append(verdict(f"p99 of the served at {row['clients']} clients, ms (limit: (queue "
                                   f"{settings['queueCapacity']} + workers {settings['workers']} + 1) x the 1-client "
                                   f"p50 {single['servedP50Ms']:.1f})", row["servedP99Ms"], limit, "{:.1f}"))
        if row["refusedP99Ms"] is not None:
            targets.append(verdict(f"p99 of the refused at {row['clients']} clients, ms", row["refusedP99Ms"],
                                   REFUSED_P99_TARGET_MS, "{:.1f}"))
    for clients in GOODPUT_OVERLOAD_CLIENTS:
        if clients in at_once:
            served_share(at_once[clients], " that retry at once")
    if deadline_settings and deadline_settings.get("maxQueueDelayMs") is not None:
        bound = deadline_settings["maxQueueDelayMs"]
        for clients in GOODPUT_OVERLOAD_CLIENTS:
            row = with_deadline.get(clients)
            if row is None:
                continue
            who = f" with a {row['deadlineMs']} ms deadline"
            served_share(row, who)
            if row["servedP99Ms"] is not None:
                targets.append(verdict(f"p99 of the served at {clients} clients{who}, ms (limit: max-queue-delay "
                                       f"{bound} + 2 x the 1-client p50 {single['servedP50Ms']:.1f})",
                                       row["servedP99Ms"], round(bound + 2 * single["servedP50Ms"], 1), "{:.1f}"))
            if row.get("servedWithinDeadline") is not None:
                targets.append(verdict(f"share of the served within the deadline at {clients} clients{who}",
                                       row["servedWithinDeadline"], DEADLINE_MET_SHARE, "{:.3f}", at_least=True))
    for row in disconnects:
        targets.append(verdict(f"forwards run for clients that had gone ({row['goneClients']} sent a request and "
                               f"closed, beside {row['feeders']} feeders)", row["forwardsForGone"], 0, "{}"))
    return targets


def verdict(what, value, limit, fmt, at_least=False):
    """Whether value is at most limit (at least, with at_least), and by how much it missed."""
    met = value >= limit if at_least else value <= limit
    gap = abs(value - limit)
    if met:
        outcome = "met"
    elif "%" in fmt:
        outcome = f"missed by {fmt.format(gap)} (points)"
    elif limit:
        outcome = f"missed by {fmt.format(gap)} ({100 * gap / limit:.0f} % {'under' if at_least else 'over'})"
    else:
        outcome = f"missed by {fmt.format(gap)}"
    return {"target": what, "value": value, "limit": limit, "met": met, "measured": fmt.format(value),
            "outcome": outcome, "atLeast": at_least}


def flags(run):
    """The vector units the kernels can use, as the run recorded them: figures compare only within a machine."""
    recorded = run.get("cpuFlags")
    if recorded is None:
        return "CPU flags not recorded"
    present = recorded.split()
    return ", ".join(present) + ("" if any(f.startswith("amx") for f in present) else "; no AMX")


def markdown(summary, chart_name):
    run = summary["run"]
    lines = [
        "# Benchmark results",
        "",
        f"`bin/benchmark --{run['mode']}`, {run['date']}. Machine: {run['cpu']} ({flags(run)}), {run['cores']} cores, "
        f"{run['memoryGiB']} GiB, Linux {run['kernel']}; {run['threads']} intra-op threads for every runtime "
        f"(torch, libtorch, ONNX Runtime), one inter-op thread.",
        f"Versions: {run['java']}; Python {run['python']}, torch {run['torch']}, torchvision {run['torchvision']}; "
        f"DJL 0.36.0 with libtorch 2.7.1 and ONNX Runtime 1.21.1. Models: the random-weight test exports "
        f"(`bin/export-test-models`), whose low score thresholds and 5000-detection cap make NMS far busier than "
        f"pretrained weights at 0.05 would.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
    ]
    for target in summary["targets"]:
        bound = "≥" if target["atLeast"] else "≤"
        lines.append(f"| {target['target']} | {target['measured']} | {target['outcome']} ({bound} {target['limit']}) |")
    lines += ["", f"![forward time relative to torchvision eager]({chart_name})", "",
              "## Forward time in process", "",
              "Median (p90) of the timed passes after warm-up, one 640x480 image. DJL: one `Detector.detect` call, "
              "translator included, both engines loaded in one JVM and timed in turn, in blocks of passes (each block "
              "after a second of uncounted passes: the other engine's threads may still spin); torchvision: "
              "`model([image])`.", "",
              "| model | " + " | ".join(label(r) for r in RUNTIMES) + " | best DJL / eager |",
              "| --- |" + " --- |" * (len(RUNTIMES) + 1)]
    for model in sorted(summary["forward"]):
        cells = summary["forward"][model]
        engine = next((e for e in summary["engines"] if e["model"] == model), None)
        lines.append(f"| `{model}` | " + " | ".join(
            f"{cells[r]['medianMs']:.0f} ms ({cells[r]['p90Ms']:.0f})" if r in cells else "-" for r in RUNTIMES)
            + f" | {engine['ratio']:.2f} ({label(engine['bestEngine'])}) |" if engine else " | - |")
    peaked = [e for e in summary["engines"] if e.get("peakFloorMs")]
    if peaked:
        peak = summary["fp32Peak"]
        lines += ["", "## Against the CPU's fp32 peak", "",
                  f"The CPU's fp32 multiply-accumulate peak, measured by `benchmarks/mac_peak.c` on {peak['threads']} "
                  f"threads ({peak['vectorBits']}-bit FMA): {peak['gmacPerSecond']:.1f} GMAC/s. Each model's "
                  "multiply-accumulates are its eager forward's convolutions and Linear layers on the same image, "
                  "so the floor is the least time an fp32 forward that computes those products could take; where it "
                  f"lies above {ENGINE_TARGET} x eager, no engine meets that target in fp32 on this CPU (only "
                  "convolution algorithms that trade multiplies for additions, such as Winograd's, which round "
                  "differently, could go under it).", "",
                  f"| model | GMAC | floor at the peak | best fp32 | share of the peak used | {ENGINE_TARGET} x eager |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for e in peaked:
            lines.append(f"| `{e['model']}` | {e['gmac']} | {fmt_ms(e['peakFloorMs'])} | {fmt_ms(e['bestMs'])} "
                         f"({label(e['bestEngine'])}) | {e['peakShare']:.2f} | {fmt_ms(ENGINE_TARGET * e['eagerMs'])} |")
    for precision in REDUCED_PRECISIONS:
        lines += reduced_section(precision, summary["reduced"][precision], summary["reducedSkipped"][precision],
                                 summary["reducedPeaks"][precision])
    if summary["http"]:
        lines += ["", "## Service over HTTP", "",
                  "`POST /v1/models/{model}/detect` over loopback, timed by `wrk` (its own clock, a closed loop of N "
                  "connections; `benchmarks/detect.lua`), one worker per model, on the engine the service chose "
                  f"(`engine: {summary['run'].get('serviceEngine', 'auto')}`). The service's own timings are the medians "
                  "of those in its responses.", "",
                  "| model | engine | image | clients | requests | p50 | p99 | throughput | service's own inference p50 | failures |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in summary["http"]:
            lines.append(f"| `{row['model']}` | {label(summary['served'].get(row['model']))} | "
                         f"{row['contentType'].split('/')[1].upper()} {row['imageBytes'] // 1024} KiB | {row['clients']} | "
                         f"{row['requests']} | {row['p50Ms']:.1f} ms | {row['p99Ms']:.1f} ms | {row['throughput']:.2f} req/s | "
                         f"{fmt_ms(row['serviceInferenceP50Ms'])} | {row['failures']} |")
        lines += ["", "The service with its default settings against torchvision: end-to-end p50 at one client over "
                  "the in-process forward p50 of the same engine (overhead), and over torchvision eager's forward "
                  "on the same image in Python (what a user of torchvision behind a web framework would start from).", "",
                  "| model | engine | image | end-to-end p50 | in-process forward p50 | overhead | torchvision eager | "
                  "end-to-end / eager | service's decode p50 | service's inference p50 |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in summary["overhead"]:
            lines.append(f"| `{row['model']}` | {label(row['engine'])} | {row['contentType'].split('/')[1].upper()} | "
                         f"{row['endToEndP50Ms']:.1f} ms | {fmt_ms(row['inProcessForwardP50Ms'])} | "
                         f"{row['ratio'] if row['ratio'] else '-'} | {fmt_ms(row.get('eagerForwardP50Ms'))} | "
                         f"{row['overEager'] if row.get('overEager') else '-'} | {fmt_ms(row['serviceDecodeP50Ms'])} | "
                         f"{fmt_ms(row['serviceInferenceP50Ms'])} |")
        chosen = [(m, r) for m, r in sorted(summary.get("reasons", {}).items()) if r]
        if chosen:
            lines += ["", "How `auto` chose:", ""] + [f"- `{m}`: {label(summary['served'].get(m))}, {r}" for m, r in chosen]
    if summary.get("protocols"):
        lines += ["", "## The Open Inference Protocol beside /v1", "",
                  f"`{TARGET_MODEL}`, the same JPEG, one client, one after another: `/v1` and `/v2` timed by `wrk`, "
                  "gRPC by a grpc-java client (`benchmarks/GrpcLoad.java`).", "",
                  "| protocol | requests | failures | end-to-end p50 | p99 | p50 / /v1's |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for row in summary["protocols"]:
            lines.append(f"| {row['protocol']} | {row['requests']} | {row['failures']} | {row['p50Ms']:.1f} ms | "
                         f"{row['p99Ms']:.1f} ms | {row['overV1']:.3f} |")
    evaluation = summary.get("evaluation") or {}
    if evaluation.get("models") or evaluation.get("live"):
        lines += ["", "## Evaluation jobs", "",
                  "A job of one JPEG repeated (a person and a car annotated in each), each model alone: images per "
                  "second over the model's whole run, and its forward's latency per image (pre- and post-processing "
                  "included, queueing not).", "",
                  "| model | engine | images | images per s | forward p50 | forward p90 |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for row in evaluation.get("models", []):
            lines.append(f"| `{row['model']}` | {label(row.get('engine'))} | {row['images']} | "
                         f"{row['imagesPerSecond'] or 0:.2f} | {fmt_ms(row.get('latencyP50Ms'))} | "
                         f"{fmt_ms(row.get('latencyP90Ms'))} |")
        live = evaluation.get("live")
        if live:
            lines += ["", f"Live traffic beside a job: `{TARGET_MODEL}`, one `wrk` client, without and then with a "
                      "job on the same model running (its images wait for a quiet moment between live requests).", "",
                      "| | live p50 | live p99 | the job's images per s |", "| --- | --- | --- | --- |",
                      f"| without a job | {live['withoutP50Ms']:.1f} ms | {live['withoutP99Ms']:.1f} ms | - |",
                      f"| with a job | {live['withP50Ms']:.1f} ms | {live['withP99Ms']:.1f} ms | "
                      f"{live['jobImagesPerSecond'] if live['jobImagesPerSecond'] is not None else '-'} |"]
    if summary["goodput"]:
        settings = summary["goodputSettings"]
        lines += ["", "## Under overload", "",
                  f"A fresh service with `{settings['model']}` alone on its default settings ({settings['engine']}, "
                  f"{settings['workers']} worker(s), queue {settings['queueCapacity']}), the same JPEG, closed-loop "
                  "`wrk` clients on the same cores at nice 19: each sends its next request when an answer "
                  "arrives, after waiting out a 503's `Retry-After` where the table says so. Warmed up at the "
                  "highest client count first, so that the JIT has compiled the refusal path too. The rows with a "
                  "deadline come last, with the model's `max-queue-delay` set by a `PUT` "
                  f"({fmt_ms((summary['deadlineSettings'] or {}).get('maxQueueDelayMs'))}, "
                  f"{(summary['deadlineSettings'] or {}).get('queuePolicy', '-')}); their clients send "
                  "`Request-Timeout`, and \"within\" is the share of their served answers that came within it.", "",
                  "| clients | Retry-After | deadline | served | refused (503) | other answers | socket errors | "
                  "served per s | served p50 | served p99 | within | refused p50 | refused p99 |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in summary["goodput"]:
            honoured = "waited out" if row.get("retryAfterHonoured", True) else "ignored"
            within = row.get("servedWithinDeadline")
            lines.append(f"| {row['clients']} | {honoured} | {fmt_ms(row.get('deadlineMs'))} | {row['served']} | "
                         f"{row['refused']} | {row['otherStatuses']} | {row['socketErrors']} | "
                         f"{row['servedPerSecond']:.2f} | {fmt_ms(row['servedP50Ms'])} | {fmt_ms(row['servedP99Ms'])} | "
                         f"{'-' if within is None else f'{100 * within:.1f} %'} | {fmt_ms(row['refusedP50Ms'])} | "
                         f"{fmt_ms(row['refusedP99Ms'])} |")
        for row in summary["disconnects"]:
            lines += ["", f"Clients that disconnect while queued: {row['goneClients']} requests sent whole by clients "
                      f"that closed their socket at once, over {row['seconds']} s, beside {row['feeders']} clients "
                      f"that kept the model busy ({row['served']} served): {row['forwards']} forwards, "
                      f"{row['forwardsForGone']} of them for clients that had gone."]
    if summary["decode"]:
        lines += ["", "## Decoding and conversion", "",
                  "The service's `ImageDecoder` (header check, decode, RGB, EXIF orientation), then the translator's "
                  "conversion to a float32 `[3, H, W]` tensor; median (p90).", "",
                  "| image | size | bytes | decode | conversion |", "| --- | --- | --- | --- | --- |"]
        for row in summary["decode"]:
            lines.append(f"| {row['image']} | {row['width']}x{row['height']} | {row['bytes'] // 1024} KiB | "
                         f"{row['decodeMedianMs']:.2f} ms ({row['decodeP90Ms']:.2f}) | "
                         f"{row['convertMedianMs']:.2f} ms ({row['convertP90Ms']:.2f}) |")
    if summary["rss"]:
        lines += ["", "## Resident memory of the service", "",
                  "VmRSS at start (HTTP up, models still loading), when ready (models loaded and warmed up on a "
                  "synthetic image), after the warm-up traffic at 8 clients, then along the soak at 2 clients, which "
                  "starts after every HTTP measurement above. The target compares the soak's end with its start. "
                  "Between ready and the soak the JVM grows to its working size under load (Native Memory Tracking, "
                  "one model at 8 clients: committed Java heap 110 to 245 MB, direct buffers +21 MB, code cache "
                  "+3 MB); a leak would show as a slope along the soak.", "",
                  "| when | requests served in the soak | VmRSS | failures |", "| --- | --- | --- | --- |"]
        for row in summary["rss"]:
            lines.append(f"| {row['point']} | {row['requests']} | {row['rssKb'] / 1024:.1f} MiB | {row['failures']} |")
    if summary["ops"]:
        lines += ["", "## Replacement ops against torchvision's kernels", "",
                  "Every NMS, RoIAlign and resize call of one eager forward at the export's thresholds, recorded with its "
                  "inputs and replayed through torchvision's C++ kernel and through the export's scripted replacement "
                  "(`pure_ops.py`); the sum per forward, median of the passes.", "",
                  "| model | threshold | eager forward | NMS calls (largest) | NMS C++ / pure | RoIAlign C++ / pure | "
                  "resize C++ / pure | added | share of forward |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in summary["ops"]:
            def pair(op):
                return f"{row[op]['cppMs']:.1f} / {row[op]['pureMs']:.1f} ms" if op in row else "-"
            lines.append(f"| `{row['model']}` | {row['scoreThreshold']} | {row['eagerForwardMs']:.0f} ms | "
                         f"{row['nms']['calls']} ({row['nms']['largestInput']}) | {pair('nms')} | {pair('roi_align')} | "
                         f"{pair('resize')} | {row['addedMs']:.1f} ms | {row['addedPercent']:.1f} % |")
    if os.path.exists(TRIED):
        with open(TRIED) as f:
            lines += ["", f.read().rstrip()]
    return "\n".join(lines) + "\n"


def label(engine):
    return {"PyTorch": "DJL PyTorch", "OnnxRuntime": "DJL ONNX Runtime"}.get(engine, engine or "-")


REDUCED_WHAT = {
    "int8": "The backbone, FPN and convolutional heads quantized statically and Faster R-CNN's box head dynamically "
            "(`bin/quantize`, calibrated on 8 generated scenes), on ONNX Runtime, the same image as above; the agreement "
            "with fp32 on the export's reference images and 20 generated scenes, as its export measured it.",
    "bf16": "The backbone, FPN and heads in bf16, boxes, NMS, RoIAlign and the box predictor in fp32 "
            "(`model-zoo/exporter/bf16_torchscript.py`), on DJL's PyTorch engine, the same image as above; the agreement "
            "with the fp32 TorchScript on the export's reference images and the int8 export's 20 generated scenes, "
            "measured in torch (`bin/quantize --bf16`).",
}


def reduced_section(precision, found, skipped, peak):
    """A reduced precision's speed and agreement against fp32, or why it was not timed."""
    if not found and not skipped:
        return []
    lines = ["", f"## {precision} against fp32", ""]
    if skipped:
        lines.append(f"Not timed: {skipped}; the service refuses {precision} on such a CPU.")
    if not found:
        return lines
    lines += [REDUCED_WHAT[precision] + " The weights are random: the detections of an untrained network barely "
              "survive any change of arithmetic, so the feature maps' cosine is the figure that tells a sound reduction "
              "from a broken one (README, \"Reduced precision: int8 and bf16\").", "",
              f"| model | fp32 best | {precision} | speed-up | matched at IoU ≥ 0.9 | lost / gained | score difference "
              "median / max | feature cosine ≥ | feature relative error ≤ |",
              "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    lines[-2:-2] = [f"fp32 best: the engine of the fastest fp32 forward above, its model timed again in turn with the "
                    f"{precision} one in the same JVM, in blocks of passes, so that the machine's drift "
                    "between the two cannot make the speed-up (marked \"apart\" where it was not: the fp32 forward above).",
                    ""]
    for row in found:
        a = row["agreement"] or {}
        apart = "" if row["fp32TimedBeside"] else ", apart"
        lines.append(f"| `{row['model']}` | {fmt_ms(row['fp32BestMs'])} ({label(row['fp32BestEngine'])}{apart}) | "
                     f"{fmt_ms(row['reducedMs'])} ({label(row['engine'])}) | {row['speedUp'] if row['speedUp'] else '-'} | "
                     + (f"{100 * a['matchedShare']:.1f} % of {a['fp32Detections']} | {a['lost']} / {a['gained']} | "
                        f"{fmt_score(a.get('medianScoreDifference'))} / {fmt_score(a.get('maxScoreDifference'))} | "
                        f"{a['minFeatureCosine']:.3f} | {a['maxFeatureRelativeError']:.3f} |" if a else "- | - | - | - | - |"))
    peaked = [row for row in found if row["peakFloorMs"]]
    if peaked:
        lines += ["", f"Against the CPU's {precision} multiply-accumulate peak, measured by `benchmarks/mac_peak.c` on "
                  f"{peak['threads']} threads ({peak['vectorBits']}-bit dot products; AMX tiles, where a CPU has them, "
                  f"are not measured): {peak['gmacPerSecond']:.1f} GMAC/s. A {REDUCED_SPEEDUP_TARGET} x speed-up over "
                  "the best fp32 forward needs the whole forward, fp32 parts included, to run at the share of that peak "
                  "in the last column.", "",
                  f"| model | GMAC | floor at the {precision} peak | {precision} | share of the peak used | "
                  f"share a {REDUCED_SPEEDUP_TARGET} x speed-up needs |",
                  "| --- | --- | --- | --- | --- | --- |"]
        for row in peaked:
            lines.append(f"| `{row['model']}` | {row['gmac']} | {fmt_ms(row['peakFloorMs'])} | {fmt_ms(row['reducedMs'])} "
                         f"| {row['peakShare']:.2f} | {row['targetPeakShare']:.2f} |")
    return lines


def fmt_ms(value):
    return f"{value:.1f} ms" if value is not None else "-"


def fmt_score(value):
    return f"{value:.4f}" if value is not None else "-"


def svg(summary):
    """Horizontal bars: each runtime's forward median relative to torchvision eager, per model."""
    models = sorted(summary["forward"])
    bar, gap, left, width = 14, 16, 300, 420
    top = 60
    height = top + len(models) * (len(RUNTIMES) * bar + gap) + 40
    ratios = [summary["forward"][m][r]["medianMs"] / summary["forward"][m]["torchvision eager"]["medianMs"]
              for m in models for r in RUNTIMES
              if r in summary["forward"][m] and "torchvision eager" in summary["forward"][m]]
    scale = width / max(ratios + [1.5])
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 120}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="100%" height="100%" fill="white"/>',
           f'<text x="10" y="20" font-size="15">Forward time relative to torchvision eager (lower is faster); '
           f'{summary["run"]["cores"]} cores, {summary["run"]["threads"]} threads</text>']
    for i, runtime in enumerate(RUNTIMES):
        out.append(f'<rect x="{10 + i * 170}" y="32" width="12" height="12" fill="{COLOURS[runtime]}"/>'
                   f'<text x="{26 + i * 170}" y="43">{label(runtime)}</text>')
    y = top
    for model in models:
        cells = summary["forward"][model]
        out.append(f'<text x="{left - 8}" y="{y + 2 * bar + 4}" text-anchor="end">{model}</text>')
        for runtime in RUNTIMES:
            if runtime in cells and "torchvision eager" in cells:
                ratio = cells[runtime]["medianMs"] / cells["torchvision eager"]["medianMs"]
                out.append(f'<rect x="{left}" y="{y}" width="{ratio * scale:.1f}" height="{bar - 2}" '
                           f'fill="{COLOURS[runtime]}"/><text x="{left + ratio * scale + 4:.1f}" y="{y + bar - 4}" '
                           f'font-size="10">{ratio:.2f} ({cells[runtime]["medianMs"]:.0f} ms)</text>')
            y += bar
        y += gap
    for mark, dash in [(1.0, ""), (ENGINE_TARGET, ' stroke-dasharray="4 3"')]:
        x = left + mark * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{y - gap + 4}" stroke="black"{dash}/>'
                   f'<text x="{x:.1f}" y="{y + 10}" text-anchor="middle" font-size="10">'
                   f'{"eager" if mark == 1.0 else f"target {ENGINE_TARGET}"}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    command, results = sys.argv[1], sys.argv[2]
    rows = load(results)
    if command == "best-fp32-engine":
        print(best_engine(forward_table(rows), sys.argv[3]) or "")
        return 0
    prefix = sys.argv[3]
    summary = summarise(rows)
    summary["raw"] = rows
    with open(prefix + ".json", "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    with open(prefix + ".svg", "w") as f:
        f.write(svg(summary))
    text = markdown(summary, os.path.basename(prefix) + ".svg")
    with open(prefix + ".md", "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
