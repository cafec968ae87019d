"""quantize_onnx rewrites a backbone into ONNX Runtime's QDQ pattern with the right arithmetic."""
import io
import unittest

import numpy as np
import onnx
import torch
from onnx import numpy_helper

import quantize_onnx


class Backbone(torch.nn.Module):
    """A residual block and an FPN-like output, as in the detectors' backbones."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.out = torch.nn.Conv2d(8, 8, 1)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        y = self.relu(self.conv1(x))
        return self.out(self.relu(self.conv2(y) + y))


class RoIHeads(torch.nn.Module):
    """Faster R-CNN's: a box head of Linear layers (quantized dynamically) and a predictor that stays fp32."""

    def __init__(self):
        super().__init__()
        self.box_head = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU())
        self.box_predictor = torch.nn.Linear(16, 5)

    def forward(self, x):
        return self.box_predictor(self.box_head(x))


class Detector(torch.nn.Module):
    """A convolutional head, quantized like the backbone, and a layer after it that stays fp32."""

    def __init__(self):
        super().__init__()
        self.backbone = Backbone()
        self.head = torch.nn.Conv2d(8, 8, 1)
        self.predictor = torch.nn.Conv2d(8, 4, 1)
        self.roi_heads = RoIHeads()

    def forward(self, x):
        return self.roi_heads(self.predictor(self.head(self.backbone(x))).reshape(16, 64))


class Wrapper(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.detector = Detector()

    def forward(self, x):
        return self.detector(x)


def exported():
    torch.manual_seed(3)
    buffer = io.BytesIO()
    torch.onnx.export(Wrapper().eval(), torch.rand(1, 3, 16, 16), buffer, opset_version=11)
    return onnx.load_from_string(buffer.getvalue())


def quantized():
    model = exported()
    points = quantize_onnx.fold_relus(exported().graph, apply=False)
    ranges = {p["tensor"]: [0.0, 3.0] if p["relu"] else [-2.0, 2.0] for p in points}
    quantize_onnx.quantize_model(model, ranges)
    return model


def made_by(graph):
    return {output: node for node in graph.node for output in node.output}


class QuantizeOnnxTest(unittest.TestCase):
    def test_every_backbone_and_head_conv_reads_dequantized_input_weights_and_bias_and_the_rest_stays_fp32(self):
        model = quantized()
        producers = made_by(model.graph)
        convs = [n for n in model.graph.node if n.op_type == "Conv"]
        quantized_convs = [n for n in convs if n.name.startswith(quantize_onnx.QUANTIZED)]
        self.assertEqual(4, len(quantized_convs))
        for conv in quantized_convs:
            dq = [producers[name] for name in conv.input]
            self.assertEqual(["DequantizeLinear"] * 3, [n.op_type for n in dq], conv.name)
            self.assertEqual(["", "com.microsoft", "com.microsoft"], [n.domain for n in dq], conv.name)
            self.assertEqual("QuantizeLinear", producers[dq[0].input[0]].op_type, conv.name)
        predictor, = [n for n in convs if not n.name.startswith(quantize_onnx.QUANTIZED)]
        initializers = {i.name: i for i in model.graph.initializer}
        self.assertEqual(onnx.TensorProto.FLOAT, initializers[predictor.input[1]].data_type, "the predictor stays fp32")
        self.assertTrue(any(o.domain == "com.microsoft" for o in model.opset_import))

    def test_weights_dequantize_to_within_half_a_step_per_output_channel(self):
        original = {i.name: numpy_helper.to_array(i) for i in exported().graph.initializer}
        model = quantized()
        values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        producers = made_by(model.graph)
        fp32_convs = {n.name: n for n in exported().graph.node if n.op_type == "Conv"}
        for conv in model.graph.node:
            if conv.op_type != "Conv" or not conv.name.startswith(quantize_onnx.QUANTIZED):
                continue
            dq = producers[conv.input[1]]
            weights = original[fp32_convs[conv.name].input[1]]
            scale = values[dq.input[1]]
            self.assertEqual(np.int8, values[dq.input[0]].dtype)
            np.testing.assert_allclose(np.abs(weights).reshape(len(weights), -1).max(axis=1) / 127, scale, rtol=1e-6)
            restored = values[dq.input[0]].astype(np.float32) * scale[:, None, None, None]
            self.assertTrue(np.all(np.abs(restored - weights) <= scale[:, None, None, None] / 2 + 1e-7), conv.name)
            # the bias at the input's scale times each channel's weight scale, as QLinearConv adds it
            x_scale = values[producers[conv.input[0]].input[1]]
            bias = producers[conv.input[2]]
            self.assertEqual(np.int32, values[bias.input[0]].dtype)
            np.testing.assert_allclose(x_scale * scale, values[bias.input[1]], rtol=1e-6)
            np.testing.assert_allclose(original[fp32_convs[conv.name].input[2]],
                                       values[bias.input[0]] * values[bias.input[1]], atol=float(x_scale * scale.max()))

    def test_a_relu_after_a_conv_or_add_is_folded_into_a_zero_point_of_zero(self):
        model = quantized()
        producers = made_by(model.graph)
        relus = [n for n in model.graph.node if n.op_type == "Relu"]
        self.assertEqual([quantize_onnx.DYNAMIC], [producers[n.input[0]].name[:len(quantize_onnx.DYNAMIC)] for n in relus],
                         "only the Relu after the box head's Linear layer is left")
        values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        relu_points = [p["tensor"] for p in quantize_onnx.fold_relus(exported().graph, apply=False) if p["relu"]]
        self.assertEqual(2, len(relu_points))
        for q in (n for n in model.graph.node if n.op_type == "QuantizeLinear" and n.input[0] in relu_points):
            self.assertEqual(0, int(values[q.input[2]]), q.name)
            self.assertAlmostEqual(3.0 / 255, float(values[q.input[1]]), places=7)

    def test_the_box_heads_linear_layers_compute_from_uint8_activations_and_int8_weights_and_the_predictor_stays_fp32(self):
        fp32 = exported().graph
        model = quantized()
        gemms = [n.name for n in model.graph.node if n.op_type == "Gemm"]
        self.assertEqual(["/detector/roi_heads/box_predictor/Gemm"], gemms)
        values = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        matmul, = [n for n in model.graph.node if n.op_type == "MatMulInteger"]
        self.assertEqual("DynamicQuantizeLinear", made_by(model.graph)[matmul.input[0]].op_type)
        gemm, = [n for n in fp32.node if n.name.startswith(quantize_onnx.DYNAMIC) and n.op_type == "Gemm"]
        original = {i.name: numpy_helper.to_array(i) for i in fp32.initializer}
        weights, bias = original[gemm.input[1]], original[gemm.input[2]]
        w_int8, w_scale = values[matmul.input[1]], values[gemm.name + "_w_scale"]
        self.assertEqual(np.int8, w_int8.dtype)
        # the graph's arithmetic, op by op as ONNX defines it, against the fp32 Linear
        x = np.random.default_rng(5).normal(size=(16, 64)).astype(np.float32)
        x_scale = np.float32((max(x.max(), 0) - min(x.min(), 0)) / 255)
        x_zero = np.clip(np.round(-min(x.min(), 0) / x_scale), 0, 255)
        x_q = np.clip(np.round(x / x_scale) + x_zero, 0, 255)
        computed = ((x_q - x_zero) @ w_int8.astype(np.float32)) * (x_scale * w_scale) + bias
        expected = x @ weights.T + bias
        self.assertLess(np.abs(computed - expected).max(), 0.02 * np.abs(expected).max())

    def test_nodes_stay_in_topological_order(self):
        model = quantized()
        known = {i.name for i in model.graph.initializer} | {i.name for i in model.graph.input} | {""}
        for node in model.graph.node:
            missing = [name for name in node.input if name not in known]
            self.assertFalse(missing, node.name)
            known.update(node.output)


if __name__ == "__main__":
    unittest.main()
