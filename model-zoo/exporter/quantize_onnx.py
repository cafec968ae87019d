"""Static int8 quantization of a detector's convolutions in its ONNX export, with `onnx` alone (QDQ format).

Debian has no `onnxruntime` Python package, so its quantization tool is out of reach; this is the
same QDQ format written by hand. Quantized: the backbone and FPN, and the convolutional heads (the
RPN's; RetinaNet's and FCOS's classification and regression towers; the v2 Faster R-CNN's
convolutional box head), a half of these forwards that would otherwise stay fp32, and Faster
R-CNN's box head's Linear layers dynamically. Boxes, NMS, RoIAlign and the box predictor stay fp32.

  quantize_onnx.py mark FP32.onnx CALIBRATION.onnx
      the fp32 model with every tensor to quantize as an extra output (what
      com.boxserve.zoo.precision.Int8Export runs on the calibration images)
  quantize_onnx.py expose MODEL.onnx OUT.onnx
      the model with the backbone's outputs (the feature maps the heads read) as extra outputs, for
      com.boxserve.zoo.precision.Int8Export to compare fp32's with int8's
  quantize_onnx.py quantize FP32.onnx RANGES.json INT8.onnx
      QuantizeLinear/DequantizeLinear pairs on those tensors (uint8, asymmetric, from the calibrated
      ranges), int8 weights (symmetric, per output channel) and int32 biases behind DequantizeLinear,
      the pattern ONNX Runtime fuses into QLinearConv (VNNI kernels where the CPU has them). A Relu
      after a Conv or a residual Add is folded into the quantization of its input: a zero point of
      0 clamps what the Relu would.

Run by bin/quantize (README, "Reduced precision: int8 and bf16"); measured: `benchmarks/tried.md`, "Faster fp32 and reduced precision".
"""
import json
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

PREFIX = "/detector/backbone/"
# the modules whose Convs are quantized: the backbone (its maps, PREFIX's, are what expose shows)
# and the convolutional heads
QUANTIZED = (PREFIX, "/detector/rpn/head/", "/detector/head/", "/detector/roi_heads/box_head/")
# Linear layers quantized dynamically (activations' range measured per forward): Faster R-CNN's box
# head, whose first layer reads every RoI's 7x7x256 window. The predictor after it, which makes the
# scores and box deltas, stays fp32.
DYNAMIC = "/detector/roi_heads/box_head/"


def consumers(graph):
    found = {}
    for node in graph.node:
        for name in node.input:
            found.setdefault(name, []).append(node)
    return found


def fold_relus(graph, apply=True):
    """The tensors to quantize; with apply, each Relu whose input is a quantized Conv's or Add's sole use is removed."""
    uses = consumers(graph)
    points = []
    drop = []
    for node in graph.node:
        if not node.name.startswith(QUANTIZED) or node.op_type not in ("Conv", "Add"):
            continue
        out = node.output[0]
        after = uses.get(out, [])
        if len(after) == 1 and after[0].op_type == "Relu":
            relu = after[0]
            if apply:
                node.output[0] = relu.output[0]
                drop.append(relu)
            points.append({"tensor": relu.output[0], "relu": True})
        else:
            points.append({"tensor": out, "relu": False})
    for relu in drop:
        graph.node.remove(relu)
    known = {point["tensor"] for point in points}
    for node in graph.node:
        if node.name.startswith(QUANTIZED) and node.op_type == "Conv" and node.input[0] not in known:
            known.add(node.input[0])
            points.append({"tensor": node.input[0], "relu": False})
    return points


def mark(fp32, calibration):
    model = onnx.load(fp32)
    for point in fold_relus(model.graph, apply=False):
        model.graph.output.append(helper.make_tensor_value_info(point["tensor"], TensorProto.FLOAT, None))
    onnx.save(model, calibration)


def expose(source, target):
    model = onnx.load(source)
    inside = {out for node in model.graph.node if node.name.startswith(PREFIX) for out in node.output}
    read_outside = [name for node in model.graph.node if not node.name.startswith(PREFIX)
                    for name in node.input if name in inside]
    for name in dict.fromkeys(read_outside):
        model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, None))
    onnx.save(model, target)


def quantize(fp32, ranges_file, int8):
    with open(ranges_file) as f:
        ranges = json.load(f)
    model = onnx.load(fp32)
    quantize_model(model, ranges)
    onnx.save(model, int8)


def quantize_model(model, ranges):
    """Rewrites the model in place; ranges: tensor name -> [min, max] over the calibration images."""
    graph = model.graph
    points = fold_relus(graph)
    inits = {init.name: init for init in graph.initializer}
    # shared parameters reach their nodes through Identity
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in inits:
            inits[node.output[0]] = inits[node.input[0]]
    scales = {}
    new_nodes = []
    for point in points:
        name = point["tensor"]
        low, high = ranges[name]
        low = 0.0 if point["relu"] else min(low, 0.0)
        high = max(high, low + 1e-6, 0.0)
        scale = (high - low) / 255.0
        zero = int(round(-low / scale))
        scales[name] = scale
        graph.initializer.extend([numpy_helper.from_array(np.array(scale, np.float32), name + "_scale"),
                                  numpy_helper.from_array(np.array(zero, np.uint8), name + "_zero")])
        new_nodes.append((name, [helper.make_node("QuantizeLinear", [name, name + "_scale", name + "_zero"], [name + "_q"],
                                                  name=name + "_Q"),
                                 helper.make_node("DequantizeLinear", [name + "_q", name + "_scale", name + "_zero"],
                                                  [name + "_dq"], name=name + "_DQ")]))
    quantized = {name for name, _ in new_nodes}
    # every use of a quantized tensor reads its dequantized copy
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in quantized:
                node.input[i] = name + "_dq"
    # weights and biases of the quantized Convs
    weight_nodes = []
    for node in graph.node:
        if not node.name.startswith(QUANTIZED) or node.op_type != "Conv":
            continue
        x = node.input[0][:-3] if node.input[0].endswith("_dq") else None
        w = inits[node.input[1]]
        weights = numpy_helper.to_array(w).astype(np.float32)
        # per output channel: ONNX Runtime's own DequantizeLinear (com.microsoft) takes an axis at
        # opset 11, where the standard one is per tensor only
        w_scale = np.abs(weights).reshape(weights.shape[0], -1).max(axis=1) / 127.0
        w_scale[w_scale == 0] = 1.0
        w_scale = w_scale.astype(np.float32)
        w_name = node.name + "_w_int8"
        quantized_w = np.clip(np.round(weights / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
        graph.initializer.extend([numpy_helper.from_array(quantized_w, w_name),
                                  numpy_helper.from_array(w_scale, w_name + "_scale"),
                                  numpy_helper.from_array(np.zeros(len(w_scale), np.int8), w_name + "_zero")])
        weight_nodes.append(helper.make_node("DequantizeLinear", [w_name, w_name + "_scale", w_name + "_zero"],
                                             [w_name + "_dq"], name=w_name + "_DQ", domain="com.microsoft", axis=0))
        node.input[1] = w_name + "_dq"
        if len(node.input) > 2 and x is not None:
            b = inits[node.input[2]]
            b_scale = (scales[x] * w_scale).astype(np.float32)
            b_name = node.name + "_b_int32"
            graph.initializer.extend([numpy_helper.from_array(np.round(numpy_helper.to_array(b) / b_scale).astype(np.int32), b_name),
                                      numpy_helper.from_array(b_scale, b_name + "_scale"),
                                      numpy_helper.from_array(np.zeros(len(b_scale), np.int32), b_name + "_zero")])
            weight_nodes.append(helper.make_node("DequantizeLinear", [b_name, b_name + "_scale", b_name + "_zero"],
                                                 [b_name + "_dq"], name=b_name + "_DQ", domain="com.microsoft", axis=0))
            node.input[2] = b_name + "_dq"
    quantize_linears_dynamically(graph, inits)
    # keep the graph topologically sorted: each Q/DQ pair right after the node that makes its tensor
    ordered = list(weight_nodes)
    made_by = {}
    for name, pair in new_nodes:
        made_by.setdefault(name, []).extend(pair)
    graph_inputs = {i.name for i in graph.input}
    for name in list(made_by):
        if name in graph_inputs:
            ordered.extend(made_by.pop(name))
    for node in graph.node:
        ordered.append(node)
        for out in node.output:
            ordered.extend(made_by.pop(out, []))
    assert not made_by, made_by.keys()
    del graph.node[:]
    graph.node.extend(ordered)
    # the fp32 weights the int8 ones replace
    used = {name for node in graph.node for name in node.input}
    kept = [init for init in graph.initializer if init.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))


def quantize_linears_dynamically(graph, inits):
    """Each DYNAMIC Gemm becomes the pattern ONNX Runtime fuses into DynamicQuantizeMatMul: uint8
    activations quantized per forward, int8 weights per output column, fp32 scales and bias."""
    rewritten = []
    for node in graph.node:
        transposed = any(a.name == "transB" and a.i == 1 for a in node.attribute)
        if not (node.name.startswith(DYNAMIC) and node.op_type == "Gemm" and transposed):
            rewritten.append(node)
            continue
        x, w, b = node.input
        weights = numpy_helper.to_array(inits[w]).astype(np.float32).T  # (in, out)
        w_scale = np.abs(weights).max(axis=0) / 127.0
        w_scale[w_scale == 0] = 1.0
        w_scale = w_scale.astype(np.float32)
        n = node.name
        graph.initializer.extend([
            numpy_helper.from_array(np.clip(np.round(weights / w_scale), -127, 127).astype(np.int8), n + "_w_int8"),
            numpy_helper.from_array(w_scale, n + "_w_scale")])
        rewritten += [
            helper.make_node("DynamicQuantizeLinear", [x], [n + "_xq", n + "_x_scale", n + "_x_zero"], name=n + "_DQL"),
            helper.make_node("MatMulInteger", [n + "_xq", n + "_w_int8", n + "_x_zero"], [n + "_int32"], name=n + "_MMI"),
            helper.make_node("Cast", [n + "_int32"], [n + "_float"], name=n + "_Cast", to=TensorProto.FLOAT),
            helper.make_node("Mul", [n + "_x_scale", n + "_w_scale"], [n + "_scale"], name=n + "_Scale"),
            helper.make_node("Mul", [n + "_float", n + "_scale"], [n + "_scaled"], name=n + "_Mul"),
            helper.make_node("Add", [n + "_scaled", b], [node.output[0]], name=n + "_Bias")]
    del graph.node[:]
    graph.node.extend(rewritten)


if __name__ == "__main__":
    {"mark": mark, "expose": expose, "quantize": quantize}[sys.argv[1]](*sys.argv[2:])
