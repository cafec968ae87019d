"""report.py turns bin/benchmark's JSON lines into verdicts: the arithmetic and the choices it makes."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

TARGET = report.TARGET_MODEL
RUN = {"kind": "run", "mode": "quick", "threads": 2, "date": "2026-11-28T00:00:00Z", "cpu": "test CPU", "cores": 2,
       "memoryGiB": 1.0, "kernel": "6", "java": "openjdk 17", "python": "3.11", "torch": "1.13", "torchvision": "0.14"}


def forward(model, engine, median):
    return {"kind": "forward", "model": model, "engine": engine, "medianMs": median, "p90Ms": median * 1.1,
            "firstMs": median, "passes": 10}


def http(model, clients, p50, content_type="image/jpeg"):
    return {"kind": "http", "model": model, "contentType": content_type, "imageBytes": 2048, "clients": clients,
            "requests": 100, "p50Ms": p50, "p99Ms": p50 * 2, "throughput": 1000 / p50,
            "serviceInferenceP50Ms": p50 - 5, "serviceDecodeP50Ms": 2.0, "serviceTotalP50Ms": p50 - 1, "failures": 0}


def rss(point, requests, kb):
    return {"kind": "rss", "point": point, "requests": requests, "rssKb": kb, "failures": 0}


ROWS = [RUN,
        forward(TARGET, "torchvision eager", 100.0), forward(TARGET, "TorchScript in Python", 120.0),
        forward(TARGET, "PyTorch", 110.0), forward(TARGET, "OnnxRuntime", 70.0),
        forward("other", "torchvision eager", 1000.0), forward("other", "PyTorch", 900.0),
        forward("other", "OnnxRuntime", 950.0),
        {"kind": "served", "model": TARGET, "engine": "OnnxRuntime", "status": "READY"},
        http(TARGET, 1, 80.5), http(TARGET, 8, 500.0), http(TARGET, 1, 90.0, "image/png"),
        {"kind": "ops", "model": TARGET, "eagerForwardMs": 100.0, "scoreThreshold": 0.5, "detectionsPerImage": 100,
         "nms": {"calls": 1, "cppMs": 1.0, "pureMs": 2.0, "largestInput": 10}, "addedMs": 6.0, "addedPercent": 6.0},
        rss("ready", 0, 1000), rss("soak", 0, 1200), rss("soak", 1000, 1250)]


class ReportTest(unittest.TestCase):
    def test_best_engine_is_the_faster_djl_engine(self):
        table = report.forward_table(ROWS)
        self.assertEqual("OnnxRuntime", report.best_engine(table, TARGET))
        self.assertEqual("PyTorch", report.best_engine(table, "other"))
        self.assertIsNone(report.best_engine(table, "absent"))

    def test_targets_are_computed_and_judged(self):
        targets = report.summarise(ROWS)["targets"]

        def starting(words):
            return [t for t in targets if t["target"].startswith(words)]
        overhead, = starting("service overhead")
        self.assertAlmostEqual(80.5 / 70.0, overhead["value"], places=3)  # the JPEG row, over the served engine
        self.assertFalse(overhead["met"])
        self.assertIn("missed by 0.050", overhead["outcome"])
        self.assertEqual([(0.7, True), (0.9, False)], [(t["value"], t["met"]) for t in starting("best engine")])
        ops, = starting("replacement ops")
        self.assertEqual((6.0, False), (ops["value"], ops["met"]))
        memory, = starting("resident memory")
        self.assertAlmostEqual(4.2, memory["value"])  # against the soak's start, not the ready point
        self.assertTrue(memory["met"])

    def test_writes_markdown_json_and_chart(self):
        with tempfile.TemporaryDirectory() as work:
            results = os.path.join(work, "results.jsonl")
            with open(results, "w") as f:
                f.write("\n".join(json.dumps(row) for row in ROWS) + "\n")
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
            self.assertIn("test CPU, 2 cores", markdown)
            with open(os.path.join(work, "results.svg")) as f:
                self.assertTrue(f.read().startswith("<svg"))
            self.assertTrue(os.path.exists(os.path.join(work, "results.json")))


if __name__ == "__main__":
    unittest.main()
