"""report.py turns bin/benchmark's JSON lines into verdicts: the arithmetic and the choices it makes."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

TARGET = report.TARGET_MODEL
RUN = {"kind": "run", "mode": "quick", "threads": 2, "date": "2026-11-28T00:00:00Z", "cpu": "test CPU", "cores": 2,
       "cpuFlags": "avx2 fma avx512f",
       "memoryGiB": 1.0, "kernel": "6", "java": "openjdk 17", "python": "3.11", "torch": "1.13", "torchvision": "0.14"}


def write_results(work, rows):
    results = os.path.join(work, "results.jsonl")
    with open(results, "w") as f:
        f.write("\n".join(json.dumps(row) for row in rows) + "\n")
    return results


def forward(model, engine, median):
    return {"kind": "forward", "model": model, "engine": engine, "medianMs": median, "p90Ms": median * 1.1,
            "firstMs": median, "passes": 10}


def http(model, clients, p50, content_type="image/jpeg"):
    return {"kind": "http", "model": model, "contentType": content_type, "imageBytes": 2048, "clients": clients,
            "requests": 100, "p50Ms": p50, "p99Ms": p50 * 2, "throughput": 1000 / p50,
            "serviceInferenceP50Ms": p50 - 5, "serviceDecodeP50Ms": 2.0, "serviceTotalP50Ms": p50 - 1, "failures": 0}


def rss(point, requests, kb):
    return {"kind": "rss", "point": point, "requests": requests, "rssKb": kb, "failures": 0}


def goodput(clients, per_second, served_p50, served_p99, refused_p99, others=0, honoured=True, deadline=None,
            within=None):
    return {"kind": "goodput", "retryAfterHonoured": honoured, "model": TARGET, "clients": clients,
            "servedPerSecond": per_second, "deadlineMs": deadline, "servedWithinDeadline": within,
            "served": int(per_second * 20), "refused": 0 if refused_p99 is None else 900, "otherStatuses": others,
            "socketErrors": 0, "servedP50Ms": served_p50, "servedP99Ms": served_p99, "refusedP50Ms": refused_p99,
            "refusedP99Ms": refused_p99}


ROWS = [RUN,
        forward(TARGET, "torchvision eager", 100.0), forward(TARGET, "TorchScript in Python", 120.0),
        forward(TARGET, "PyTorch", 110.0), forward(TARGET, "OnnxRuntime", 70.0),
        forward("other", "torchvision eager", 1000.0), forward("other", "PyTorch", 450.0),
        forward("other", "OnnxRuntime", 950.0),
        {"kind": "served", "model": TARGET, "engine": "OnnxRuntime", "status": "READY"},
        http(TARGET, 1, 80.5), http(TARGET, 8, 500.0), http(TARGET, 1, 90.0, "image/png"),
        {"kind": "ops", "model": TARGET, "eagerForwardMs": 100.0, "scoreThreshold": 0.5, "detectionsPerImage": 100,
         "nms": {"calls": 1, "cppMs": 1.0, "pureMs": 2.0, "largestInput": 10}, "addedMs": 6.0, "addedPercent": 6.0},
        rss("ready", 0, 1000), rss("soak", 0, 1200), rss("soak", 1000, 1250),
        {"kind": "goodput-settings", "model": TARGET, "engine": "PyTorch", "workers": 1, "queueCapacity": 8},
        goodput(1, 6.0, 160.0, 170.0, None), goodput(2, 6.2, 320.0, 340.0, None),
        goodput(32, 5.7, 1500.0, 1700.0, 40.0), goodput(64, 5.5, 1500.0, 1900.0, 60.0, others=1),
        goodput(64, 1.0, 1500.0, 9000.0, 900.0, others=5, honoured=False),
        goodput(32, 5.8, 1500.0, 9000.0, 900.0, honoured=False)]


class ReportTest(unittest.TestCase):
    def test_best_engine_is_the_faster_djl_engine(self):
        table = report.forward_table(ROWS)
        self.assertEqual("OnnxRuntime", report.best_engine(table, TARGET))
        self.assertEqual("PyTorch", report.best_engine(table, "other"))
        self.assertIsNone(report.best_engine(table, "absent"))

    def test_the_best_fp32_engine_command_leaves_out_forwards_timed_beside_a_reduced_precision(self):
        # bin/benchmark asks it which fp32 model to time again beside int8 and bf16
        rows = ROWS + [dict(forward("other", "OnnxRuntime", 10.0), beside="bf16")]
        with tempfile.TemporaryDirectory() as work:
            results = write_results(work, rows)
            for model, expected in [("other", "PyTorch"), (TARGET, "OnnxRuntime"), ("absent", "")]:
                printed = subprocess.run([sys.executable, report.__file__, "best-fp32-engine", results, model],
                                         capture_output=True, text=True, check=True).stdout
                self.assertEqual(expected + "\n", printed, model)

    def test_targets_are_computed_and_judged(self):
        targets = report.summarise(ROWS)["targets"]

        def starting(words):
            return [t for t in targets if t["target"].startswith(words)]
        overhead, = starting("service overhead")
        self.assertAlmostEqual(80.5 / 70.0, overhead["value"], places=3)  # the JPEG row, over the served engine
        self.assertFalse(overhead["met"])
        self.assertIn("missed by 0.050", overhead["outcome"])
        self.assertEqual([(0.7, False), (0.45, True)], [(t["value"], t["met"]) for t in starting("best engine")])
        ops, = starting("replacement ops")
        self.assertEqual((6.0, False), (ops["value"], ops["met"]))
        memory, = starting("resident memory")
        self.assertAlmostEqual(4.2, memory["value"])  # against the soak's start, not the ready point
        self.assertTrue(memory["met"])

    def test_goodput_targets_against_the_saturating_level(self):
        targets = {t["target"].split(" (")[0].split(",")[0]: t for t in report.summarise(ROWS)["targets"]}
        at32, at64 = targets["served rate at 32 clients / at 2"], targets["served rate at 64 clients / at 2"]
        self.assertEqual((0.919, True), (at32["value"], at32["met"]))  # 5.7 / 6.2: at least 0.9 of the rate at 2
        self.assertEqual((0.887, False), (at64["value"], at64["met"]))
        self.assertIn("% under", at64["outcome"])
        wrong = targets["answers other than 200 or 503"]
        self.assertEqual((1, False), (wrong["value"], wrong["met"]))
        # (queue 8 + 1 worker + 1) x the 1-client p50 of 160 ms
        served = targets["p99 of the served at 64 clients"]
        self.assertEqual((1600.0, False), (served["limit"], served["met"]))
        self.assertEqual(1600.0, targets["p99 of the served at 32 clients"]["limit"])
        self.assertEqual([True, False], [targets[f"p99 of the refused at {c} clients"]["met"] for c in (32, 64)])
        # the clients that ignore Retry-After are judged on their served rate alone, apart
        self.assertEqual(0.887, at64["value"])
        self.assertEqual(60.0, targets["p99 of the refused at 64 clients"]["value"])
        at_once = [t for t in report.summarise(ROWS)["targets"] if "retry at once" in t["target"]]
        self.assertEqual([(0.935, True), (0.161, False)], [(t["value"], t["met"]) for t in at_once])

    def test_deadline_levels_are_judged_against_the_max_queue_delay_and_their_deadline(self):
        rows = ROWS + [{"kind": "deadline-settings", "model": TARGET, "maxQueueDelayMs": 200, "queuePolicy": "adaptive-lifo"},
                       goodput(32, 6.0, 150.0, 480.0, 10.0, deadline=300, within=0.97),
                       goodput(64, 5.0, 150.0, 530.0, 10.0, others=3, deadline=300, within=0.94),
                       {"kind": "disconnects", "model": TARGET, "feeders": 2, "seconds": 20, "goneClients": 200,
                        "served": 120, "otherStatuses": 0, "forwards": 121, "forwardsForGone": 1}]
        summary = report.summarise(rows)
        judged = {t["target"]: t for t in summary["targets"] if "deadline" in t["target"] or "gone" in t["target"]}
        p99 = [t for name, t in judged.items() if name.startswith("p99 of the served")]
        # 200 ms + 2 x the 1-client p50 of 160 ms
        self.assertEqual([(520.0, True), (520.0, False)], [(t["limit"], t["met"]) for t in p99])
        within = [t for name, t in judged.items() if name.startswith("share of the served within")]
        self.assertEqual([True, False], [t["met"] for t in within])
        shares = [t for name, t in judged.items() if name.startswith("served rate")]
        self.assertEqual([0.968, 0.806], [t["value"] for t in shares])
        gone, = [t for name, t in judged.items() if "gone" in name]
        self.assertEqual((1, False), (gone["value"], gone["met"]))
        # a 504 past the deadline is theirs to count, not a wrong answer of the levels without one
        wrong = next(t for t in summary["targets"] if t["target"].startswith("answers other than"))
        self.assertEqual(1, wrong["value"])
        text = report.markdown(summary, "chart.svg")
        self.assertIn("| 64 | waited out | 300.0 ms | 100 | 900 | 3 | 0 | 5.00 | 150.0 ms | 530.0 ms | 94.0 % |", text)
        self.assertIn("1 of them for clients that had gone", text)

    def test_a_level_that_served_nothing_is_judged_by_its_served_rate_alone(self):
        rows = ROWS + [{"kind": "deadline-settings", "model": TARGET, "maxQueueDelayMs": 200, "queuePolicy": "adaptive-lifo"},
                       goodput(32, 0.0, None, None, 10.0, deadline=300)]
        summary = report.summarise(rows)
        judged = [t for t in summary["targets"] if "deadline" in t["target"]]
        self.assertEqual([("served rate at 32 clients with a 300 ms deadline / at 2 (0.00 / 6.20 per s)", 0.0, False)],
                         [(t["target"], t["value"], t["met"]) for t in judged])
        self.assertIn("| 32 | waited out | 300.0 ms | 0 | 900 |", report.markdown(summary, "chart.svg"))

    def test_the_protocols_are_judged_against_v1_at_one_client(self):
        rows = ROWS + [{"kind": "protocol", "protocol": "v2", "model": TARGET, "clients": 1, "requests": 50,
                        "p50Ms": 82.1, "p99Ms": 90.0, "failures": 0},
                       {"kind": "protocol", "protocol": "grpc", "model": TARGET, "clients": 1, "requests": 50,
                        "p50Ms": 86.0, "p99Ms": 95.0, "failures": 0}]
        summary = report.summarise(rows)
        judged = {t["target"].split(" ")[0]: t for t in summary["targets"] if "/ /v1's" in t["target"]}
        self.assertAlmostEqual(82.1 / 80.5, judged["/v2"]["value"], places=3)  # over the JPEG row at one client
        self.assertTrue(judged["/v2"]["met"])
        self.assertFalse(judged["gRPC"]["met"])
        self.assertIn("| gRPC ModelInfer | 50 | 0 | 86.0 ms | 95.0 ms | 1.068 |", report.markdown(summary, "chart.svg"))
        self.assertEqual([], report.summarise(ROWS)["protocols"], "no table without the protocols' rows")

    def test_live_p99_beside_an_evaluation_job_is_judged_against_it_without(self):
        rows = ROWS + [{"kind": "live", "job": False, "model": TARGET, "clients": 1, "requests": 100, "p50Ms": 80.0,
                        "p99Ms": 100.0},
                       {"kind": "live", "job": True, "model": TARGET, "clients": 1, "requests": 60, "p50Ms": 120.0,
                        "p99Ms": 180.0},
                       {"kind": "evaluation-beside-live", "model": TARGET, "imagesDone": 40, "imagesPerSecond": 3.5},
                       {"kind": "evaluation", "model": TARGET, "status": "DONE", "images": 20, "imagesPerSecond": 9.1,
                        "latencyP50Ms": 95.0, "latencyP90Ms": 99.0, "engine": "OnnxRuntime"}]
        summary = report.summarise(rows)
        judged = next(t for t in summary["targets"] if "evaluation job" in t["target"])
        self.assertEqual(1.8, judged["value"])
        self.assertFalse(judged["met"])
        text = report.markdown(summary, "chart.svg")
        self.assertIn(f"| `{TARGET}` | DJL ONNX Runtime | 20 | 9.10 | 95.0 ms | 99.0 ms |", text)
        self.assertIn("| with a job | 120.0 ms | 180.0 ms | 3.5 |", text)
        self.assertIsNone(report.summarise(ROWS)["evaluation"]["live"], "no verdict without both live rows")

    def test_int8_and_bf16_are_judged_against_the_best_fp32_forward_timed_beside_them_without_replacing_it(self):
        agreement = {"images": 22, "fp32Detections": 1000, "matchedShare": 0.25, "lost": 750, "gained": 700,
                     "maxScoreDifference": 0.1, "medianScoreDifference": 0.01, "minFeatureCosine": 0.74,
                     "maxFeatureRelativeError": 0.7}
        int8 = dict(forward("fasterrcnn_resnet50_fpn", "OnnxRuntime", 500.0), precision="int8")
        bf16 = dict(forward("fasterrcnn_resnet50_fpn", "PyTorch", 800.0), precision="bf16")
        rows = ROWS + [forward("fasterrcnn_resnet50_fpn", "torchvision eager", 3000.0),
                       forward("fasterrcnn_resnet50_fpn", "PyTorch", 1200.0),
                       forward("fasterrcnn_resnet50_fpn", "OnnxRuntime", 1000.0), int8, bf16,
                       # the best fp32 engine timed again in turn with bf16: the machine had slowed meanwhile
                       dict(forward("fasterrcnn_resnet50_fpn", "OnnxRuntime", 1100.0), beside="bf16"),
                       dict(forward(TARGET, "OnnxRuntime", 60.0), precision="int8"),
                       {"kind": "int8-export", "model": "fasterrcnn_resnet50_fpn", "file": "x.int8.onnx",
                        "calibrationImages": 8, "agreement": agreement},
                       {"kind": "bf16-export", "model": "fasterrcnn_resnet50_fpn", "file": "x.bf16.pt",
                        "agreement": dict(agreement, minFeatureCosine=0.96)}]
        summary = report.summarise(rows)
        self.assertEqual(1000.0, summary["forward"]["fasterrcnn_resnet50_fpn"]["OnnxRuntime"]["medianMs"],
                         "the int8 forward is not taken for fp32's, nor the fp32 one timed beside bf16")
        self.assertEqual(1200.0, summary["forward"]["fasterrcnn_resnet50_fpn"]["PyTorch"]["medianMs"],
                         "nor the bf16 one")
        speedups = [t for t in summary["targets"] if " speed-up " in t["target"]]
        self.assertEqual([("int8 speed-up over the best fp32 forward, `fasterrcnn_resnet50_fpn`", 2.0, True),
                          ("bf16 speed-up over the best fp32 forward, `fasterrcnn_resnet50_fpn`", 1.38, False)],
                         [(t["target"], t["value"], t["met"]) for t in speedups], "judged for the ResNet-50 models only")
        text = report.markdown(summary, "chart.svg")
        self.assertIn("| `fasterrcnn_resnet50_fpn` | 1000.0 ms (DJL ONNX Runtime, apart) | 500.0 ms (DJL ONNX Runtime) | 2.0 | "
                      "25.0 % of 1000 | 750 / 700 | 0.0100 / 0.1000 | 0.740 | 0.700 |", text)
        self.assertIn(f"| `{TARGET}` | 70.0 ms (DJL ONNX Runtime, apart) | 60.0 ms (DJL ONNX Runtime) | 1.17 | - |", text)
        self.assertIn("## bf16 against fp32", text)
        self.assertIn("| `fasterrcnn_resnet50_fpn` | 1100.0 ms (DJL ONNX Runtime) | 800.0 ms (DJL PyTorch) | 1.38 | "
                      "25.0 % of 1000 | 750 / 700 | 0.0100 / 0.1000 | 0.960 | 0.700 |", text)
        skipped = report.markdown(report.summarise(ROWS + [{"kind": "int8-skipped", "reason": "no VNNI"},
                                                           {"kind": "bf16-skipped", "reason": "no BF16"}]), "c.svg")
        self.assertIn("Not timed: no VNNI", skipped)
        self.assertIn("Not timed: no BF16", skipped)

    def test_a_target_under_the_fp32_peaks_floor_is_called_out_of_reach(self):
        peak = {"kind": "fp32-peak", "threads": 2, "vectorBits": 512, "gmacPerSecond": 100.0}
        # "other": eager 1000 ms, its best forward made 900 ms, its 60 GMAC 600 ms at the peak
        rows = [forward("other", "PyTorch", 900.0) if r.get("model") == "other" and r.get("engine") == "PyTorch"
                else r for r in ROWS]
        rows += [peak, {"kind": "macs", "model": TARGET, "convGmac": 3.0, "linearGmac": 0.0, "gmac": 3.0},
                 {"kind": "macs", "model": "other", "convGmac": 50.0, "linearGmac": 10.0, "gmac": 60.0}]
        summary = report.summarise(rows)
        engines = {e["model"]: e for e in summary["engines"]}
        self.assertEqual((600.0, 0.67), (engines["other"]["peakFloorMs"], engines["other"]["peakShare"]))
        judged = {t["target"].split("`")[1]: t for t in summary["targets"] if t["target"].startswith("best engine")}
        self.assertFalse(judged["other"]["met"])
        self.assertIn("out of reach in fp32 on this CPU: 0.5 x eager is 500 ms, its 60.0 GMAC take 600 ms",
                      judged["other"]["outcome"])
        # 0.7 x eager missed too, but 0.5 x 100 ms lies above the 30 ms floor: reachable
        self.assertFalse(judged[TARGET]["met"])
        self.assertNotIn("out of reach", judged[TARGET]["outcome"])
        text = report.markdown(summary, "chart.svg")
        self.assertIn("| `other` | 60.0 | 600.0 ms | 900.0 ms (DJL PyTorch) | 0.67 | 500.0 ms |", text)
        self.assertNotIn("## Against the CPU's fp32 peak", report.markdown(report.summarise(ROWS), "chart.svg"))

    def test_a_bf16_speed_up_is_set_against_the_bf16_peak(self):
        peak = {"kind": "bf16-peak", "threads": 2, "vectorBits": 512, "gmacPerSecond": 200.0}
        rows = list(ROWS) + [peak]
        # both fp32 at best 1000 ms and bf16 750 ms; 100 GMAC take 500 ms at the bf16 peak, 120 GMAC 600 ms
        for model, gmac in (("fasterrcnn_resnet50_fpn", 100.0), ("retinanet_resnet50_fpn", 120.0)):
            rows += [forward(model, "torchvision eager", 3000.0), forward(model, "OnnxRuntime", 1000.0),
                     dict(forward(model, "PyTorch", 750.0), precision="bf16"),
                     {"kind": "macs", "model": model, "convGmac": gmac, "linearGmac": 0.0, "gmac": gmac}]
        summary = report.summarise(rows)
        judged = {t["target"].split("`")[1]: t for t in summary["targets"] if t["target"].startswith("bf16 speed-up")}
        self.assertEqual("missed by 0.47 (26 % under); needs 0.90 of the bf16 peak for the whole forward, "
                         "this one uses 0.67", judged["fasterrcnn_resnet50_fpn"]["outcome"])
        self.assertIn("out of reach in bf16 on this CPU for the whole forward, this one uses 0.80",
                      judged["retinanet_resnet50_fpn"]["outcome"], "1.8 x needs 1.08 of the peak")
        text = report.markdown(summary, "chart.svg")
        self.assertIn("measured by `benchmarks/mac_peak.c` on 2 threads (512-bit dot products", text)
        self.assertIn("| `fasterrcnn_resnet50_fpn` | 100.0 | 500.0 ms | 750.0 ms | 0.67 | 0.90 |", text)

    def test_no_goodput_targets_without_the_levels(self):
        rows = [row for row in ROWS if row["kind"] != "goodput"]
        self.assertFalse([t for t in report.summarise(rows)["targets"] if "clients" in t["target"]])

    def test_writes_markdown_json_and_chart(self):
        with tempfile.TemporaryDirectory() as work:
            results = write_results(work, ROWS)
            sys.argv = ["report.py", "report", results, os.path.join(work, "results")]
            with open(os.devnull, "w") as quiet:
                stdout, sys.stdout = sys.stdout, quiet
                try:
                    report.main()
                finally:
                    sys.stdout = stdout
            with open(os.path.join(work, "results.md")) as f:
                markdown = f.read()
            self.assertIn("| service overhead", markdown)
            self.assertIn("test CPU (avx2, fma, avx512f; no AMX), 2 cores", markdown)
            # the default service against torchvision eager, end to end: 80.5 ms over 100 ms
            self.assertIn("| 100.0 ms | 0.805 |", markdown)
            self.assertIn("| 64 | waited out | - | 110 | 900 | 1 | 0 | 5.50 |", markdown)  # the overload table
            self.assertIn("| 64 | ignored | - | 20 | 900 | 5 | 0 | 1.00 |", markdown)
            with open(os.path.join(work, "results.svg")) as f:
                self.assertTrue(f.read().startswith("<svg"))
            self.assertTrue(os.path.exists(os.path.join(work, "results.json")))


if __name__ == "__main__":
    unittest.main()
