"""Proves network_parity.py passes torch's own numbers and fails slightly wrong ones, with no Java involved.

Run: cd service/src/test/python && /usr/bin/python3 -m unittest -v test_network_parity
"""
import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

import network_parity as parity

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "network_parity.py")


def random_inputs(generator, count, shape):
    return torch.randn([count] + shape, generator=generator).tolist()


def linear_sgd_request(generator):
    return {"inputShape": [4],
            "layers": [{"kind": "linear", "outFeatures": 3}, {"kind": "relu"}, {"kind": "linear", "outFeatures": 2}],
            "data": {"inputs": random_inputs(generator, 10, [4]), "targets": random_inputs(generator, 10, [2]),
                     "validationSplit": 0.2},
            "loss": "mse", "optimizer": {"kind": "sgd", "learningRate": 0.1, "momentum": 0.9, "weightDecay": 0.01},
            "epochs": 2, "batchSize": 3}


def cnn_adam_request(generator):
    return {"inputShape": [1, 8, 8],
            "layers": [{"kind": "conv2d", "outChannels": 2, "kernelSize": 3, "padding": 1},
                       {"kind": "maxPool2d", "kernelSize": 2}, {"kind": "minPool2d", "kernelSize": 2},
                       {"kind": "flatten"}, {"kind": "linear", "outFeatures": 3}],
            "data": {"inputs": random_inputs(generator, 6, [1, 8, 8]), "targets": [0, 1, 2, 2, 1, 0]},
            "loss": "crossEntropy", "optimizer": {"kind": "adam", "learningRate": 0.01}, "epochs": 2, "batchSize": 4}


def batch_norm_request(generator):
    # The frozen last layer checks that the script leaves it out of the optimizer, as the service must.
    return {"inputShape": [5],
            "layers": [{"kind": "linear", "outFeatures": 4}, {"kind": "batchNorm1d"}, {"kind": "dropout", "p": 0},
                       {"kind": "relu"}, {"kind": "linear", "outFeatures": 1, "trainable": False}],
            "data": {"inputs": random_inputs(generator, 8, [5]), "targets": [0, 1, 1, 0, 1, 0, 0, 1]},
            "loss": "bce", "optimizer": {"kind": "sgd", "learningRate": 0.05}, "epochs": 3, "batchSize": 4}


def as_contract(named):
    return {name: {"shape": list(t.shape), "values": t.detach().flatten().tolist()} for name, t in named}


def fabricate(name, request):
    """Plays the service with torch itself, from a seed other than the script's, so loading the trace matters."""
    request = dict(request, trace=True, shuffle=False)
    torch.manual_seed(1234)
    model, output_shape = parity.build_model(request["layers"], request["inputShape"])
    parity.freeze(model, request["layers"])
    trace = {"initialParameters": as_contract(model.named_parameters()),
             "initialBuffers": as_contract(model.named_buffers())}
    inputs, targets = parity.training_data(request, output_shape)
    trace["stepLosses"] = parity.train(model, request, inputs, targets)
    response = {"parameters": as_contract(model.named_parameters()), "buffers": as_contract(model.named_buffers()),
                "trace": trace}
    return {"name": name, "request": request, "response": response}


def nudge(value):
    # 1e-3 relative, or 1e-6 absolute near zero, where the script's relative floor would hide a relative nudge.
    return value + max(abs(value), parity.REL_FLOOR) * 1e-3


class NetworkParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        generator = torch.Generator().manual_seed(42)
        cls.cases = [fabricate("linear-sgd", linear_sgd_request(generator)),
                     fabricate("cnn-adam", cnn_adam_request(generator)),
                     fabricate("batchnorm-bce", batch_norm_request(generator))]

    def run_script(self, *cases):
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for i, case in enumerate(cases):
                paths.append(os.path.join(folder, f"case{i}.json"))
                with open(paths[-1], "w") as file:
                    json.dump(case, file)
            done = subprocess.run([sys.executable, SCRIPT, *paths], capture_output=True, text=True, timeout=120)
        self.assertNotIn("Traceback", done.stderr)
        return done.returncode, json.loads(done.stdout)["cases"]

    def test_torch_own_numbers_pass(self):
        code, reports = self.run_script(*self.cases)
        self.assertEqual(0, code, reports)
        self.assertEqual([6, 4, 6], [r["steps"] for r in reports])
        self.assertEqual({"linear"}, set(reports[0]["maxParamRelDiff"]))
        self.assertEqual({"conv2d", "linear"}, set(reports[1]["maxParamRelDiff"]))
        self.assertEqual({"linear", "batchNorm1d"}, set(reports[2]["maxParamRelDiff"]))
        for report in reports:
            self.assertTrue(report["ok"], report)
            self.assertLessEqual(report["maxLossRelDiff"], parity.TOLERANCE)

    def test_nudged_step_loss_fails_naming_the_step(self):
        for original in self.cases:
            with self.subTest(original["name"]):
                case = copy.deepcopy(original)
                losses = case["response"]["trace"]["stepLosses"]
                losses[1] *= 1 + 1e-3
                code, [report] = self.run_script(case)
                self.assertEqual(1, code)
                self.assertFalse(report["ok"])
                self.assertEqual(1, len(report["failures"]), report)
                self.assertTrue(report["failures"][0].startswith("step 2 loss:"), report)

    def test_nudged_parameter_fails_naming_it(self):
        for original in self.cases:
            with self.subTest(original["name"]):
                case = copy.deepcopy(original)
                values = case["response"]["parameters"]["0.weight"]["values"]
                values[1] = nudge(values[1])
                code, [report] = self.run_script(case)
                self.assertEqual(1, code)
                self.assertEqual(1, len(report["failures"]), report)
                self.assertTrue(report["failures"][0].startswith("parameters 0.weight: 1 of"), report)
                self.assertIn("flat index 1:", report["failures"][0])

    def test_nudged_running_mean_fails_naming_it(self):
        case = copy.deepcopy(self.cases[2])
        values = case["response"]["buffers"]["1.running_mean"]["values"]
        values[0] = nudge(values[0])
        code, [report] = self.run_script(case)
        self.assertEqual(1, code)
        self.assertTrue(report["failures"][0].startswith("buffers 1.running_mean:"), report)

    def test_initial_shape_mismatch_names_both_shapes(self):
        case = copy.deepcopy(self.cases[0])
        case["response"]["trace"]["initialParameters"]["2.weight"]["shape"] = [3, 2]
        code, [report] = self.run_script(case)
        self.assertEqual(1, code)
        self.assertEqual(["initialParameters 2.weight: service shape [3, 2], torch shape [2, 3]"], report["failures"])

    def test_unbuildable_layer_is_a_clear_failure(self):
        case = copy.deepcopy(self.cases[0])
        case["request"]["layers"][1] = {"kind": "conv3d", "outChannels": 2, "kernelSize": 1}
        code, [report, healthy] = self.run_script(case, self.cases[1])
        self.assertEqual(1, code)
        self.assertFalse(report["ok"])
        self.assertIn("layer 1: unknown kind 'conv3d'", report["failures"][0])
        self.assertTrue(healthy["ok"], "one broken case must not stop the others")


if __name__ == "__main__":
    unittest.main()
