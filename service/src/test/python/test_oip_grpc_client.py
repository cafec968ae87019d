"""Proves oip_grpc_client.py against an in-process Python gRPC server with canned answers, no Java involved.

Run: cd service/src/test/python && /usr/bin/python3 -m unittest -v test_oip_grpc_client
"""
import contextlib
import io
import json
import os
import socket
import struct
import subprocess
import tempfile
import unittest
from concurrent import futures

import grpc

import oip_grpc_client as client

HERE = os.path.dirname(os.path.abspath(__file__))
PROTO = os.path.join(HERE, "..", "..", "main", "proto", "grpc_predict_v2.proto")
pb2, pb2_grpc = client.generate_stubs(PROTO)

MODEL = "detector"
IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3  # 776 bytes: length prefix spans two bytes
BOXES = [[0.1, 2.5, 100.33, 200.7], [-1.0, 0.0, 3.3, 1e-7]]
SCORES = [0.9, 0.123456789]
LABELS = [1, 2 ** 40]  # above 2^32 so a 32-bit decode would show
NAMES = ["person", "café"]  # multi-byte UTF-8 inside a length-prefixed element
PER_IMAGE = [2]


def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def add_outputs(resp, raw):
    """The five detection outputs, either as raw_output_contents or as typed contents."""
    flat_boxes = [v for box in BOXES for v in box]
    specs = [("boxes", "FP32", [2, 4], "fp32_contents", flat_boxes, struct.pack("<8f", *flat_boxes)),
             ("scores", "FP32", [2], "fp32_contents", SCORES, struct.pack("<2f", *SCORES)),
             ("labels", "INT64", [2], "int64_contents", LABELS, struct.pack("<2q", *LABELS)),
             ("label_names", "BYTES", [2], "bytes_contents", [n.encode() for n in NAMES],
              client.length_prefixed([n.encode() for n in NAMES])),
             ("detections_per_image", "INT64", [1], "int64_contents", PER_IMAGE, struct.pack("<q", *PER_IMAGE))]
    for name, datatype, shape, field, values, packed in specs:
        tensor = resp.outputs.add(name=name, datatype=datatype, shape=shape)
        if raw:
            resp.raw_output_contents.append(packed)
        else:
            getattr(tensor.contents, field).extend(values)


class CannedServer(pb2_grpc.GRPCInferenceServiceServicer):
    def __init__(self):
        self.calls = []  # (method, request, metadata dict)

    def _record(self, method, request, context):
        self.calls.append((method, request, dict(context.invocation_metadata())))

    def ServerLive(self, request, context):
        self._record("ServerLive", request, context)
        return pb2.ServerLiveResponse(live=True)

    def ServerReady(self, request, context):
        self._record("ServerReady", request, context)
        return pb2.ServerReadyResponse(ready=True)

    def ServerMetadata(self, request, context):
        self._record("ServerMetadata", request, context)
        return pb2.ServerMetadataResponse(name="canned", version="0.1", extensions=["binary_tensor_data"])

    def ModelMetadata(self, request, context):
        self._record("ModelMetadata", request, context)
        T = pb2.ModelMetadataResponse.TensorMetadata
        return pb2.ModelMetadataResponse(
            name=request.name, versions=["abc"], platform="pytorch_torchscript",
            inputs=[T(name="image", datatype="BYTES", shape=[-1])],
            outputs=[T(name="boxes", datatype="FP32", shape=[-1, 4]), T(name="scores", datatype="FP32", shape=[-1])])

    def ModelReady(self, request, context):
        self._record("ModelReady", request, context)
        return pb2.ModelReadyResponse(ready=request.name == MODEL)

    def ModelInfer(self, request, context):
        self._record("ModelInfer", request, context)
        if request.model_name != MODEL:
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown model: " + request.model_name)
        if request.inputs[0].datatype != "BYTES":
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "image must be BYTES")
        resp = pb2.ModelInferResponse(model_name=MODEL, model_version="abc")
        # Answer in the same form as asked, so both decoders get exercised.
        add_outputs(resp, raw=bool(request.raw_input_contents))
        return resp


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OipGrpcClientTest(unittest.TestCase):
    def setUp(self):
        self.servicer = CannedServer()
        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        pb2_grpc.add_GRPCInferenceServiceServicer_to_server(self.servicer, self.server)
        self.target = "127.0.0.1:%d" % self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.addCleanup(self.server.stop, None)

    def run_main(self, *extra):
        with tempfile.NamedTemporaryFile(suffix=".png") as img:
            img.write(IMAGE)
            img.flush()
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                rc = client.main(["--target", self.target, "--model", MODEL, "--image", img.name,
                                  "--proto", PROTO, "--timeout", "5", *extra])
        return rc, out.getvalue(), err.getvalue()

    def test_every_rpc_and_decoding(self):
        rc, out, err = self.run_main("--token", "s3cret")
        self.assertEqual(0, rc, err)
        self.assertEqual(1, out.count("\n"), "exactly one JSON line")
        result = json.loads(out)
        self.assertTrue(result["live"])
        self.assertTrue(result["ready"])
        self.assertTrue(result["model_ready"])
        self.assertEqual({"name": "canned", "version": "0.1", "extensions": ["binary_tensor_data"]}, result["server"])
        self.assertEqual({"name": MODEL, "versions": ["abc"], "platform": "pytorch_torchscript",
                          "inputs": [{"name": "image", "datatype": "BYTES", "shape": [-1]}],
                          "outputs": [{"name": "boxes", "datatype": "FP32", "shape": [-1, 4]},
                                      {"name": "scores", "datatype": "FP32", "shape": [-1]}]}, result["model"])
        expected = {"model_name": MODEL, "model_version": "abc",
                    "boxes": [[f32(v) for v in box] for box in BOXES], "scores": [f32(v) for v in SCORES],
                    "labels": LABELS, "label_names": NAMES, "detections_per_image": PER_IMAGE}
        # Both forms decode to the same exact float32 values (e.g. 0.1 -> 0.10000000149011612), not the doubles.
        self.assertEqual(expected, result["raw"])
        self.assertEqual(expected, result["bytes_contents"])
        self.assertEqual(0.10000000149011612, result["raw"]["boxes"][0][0])
        self.assertNotEqual(0.1, result["bytes_contents"]["boxes"][0][0])
        self.assertEqual({"unknown_model": {"code": "NOT_FOUND", "details": "unknown model: no-such-model"},
                          "wrong_datatype": {"code": "INVALID_ARGUMENT", "details": "image must be BYTES"}},
                         result["errors"])

        methods = [m for m, _, _ in self.servicer.calls]
        self.assertEqual(["ServerLive", "ServerReady", "ServerMetadata", "ModelMetadata", "ModelReady",
                          "ModelInfer", "ModelInfer", "ModelInfer", "ModelInfer"], methods)
        self.assertTrue(all(md.get("authorization") == "Bearer s3cret" for _, _, md in self.servicer.calls))

        infers = [req for m, req, _ in self.servicer.calls if m == "ModelInfer"]
        raw_req, typed_req, unknown_req, fp32_req = infers
        for req in (raw_req, typed_req):
            self.assertEqual(MODEL, req.model_name)
            self.assertEqual(1, len(req.inputs))
            self.assertEqual(("image", "BYTES", [1]), (req.inputs[0].name, req.inputs[0].datatype,
                                                      list(req.inputs[0].shape)))
            self.assertEqual(0, len(req.parameters))
        # Raw: one element, 4-byte little-endian length then the file (776 = 0x308).
        self.assertEqual([b"\x08\x03\x00\x00" + IMAGE], list(raw_req.raw_input_contents))
        self.assertFalse(raw_req.inputs[0].HasField("contents"))
        # Typed: the bare file, no prefix, and no raw contents.
        self.assertEqual([IMAGE], list(typed_req.inputs[0].contents.bytes_contents))
        self.assertEqual([], list(typed_req.raw_input_contents))
        self.assertEqual("no-such-model", unknown_req.model_name)
        self.assertEqual("FP32", fp32_req.inputs[0].datatype)
        self.assertEqual([struct.pack("<f", 0.0)], list(fp32_req.raw_input_contents))

    def test_no_token_sends_no_authorization(self):
        rc, _, err = self.run_main()
        self.assertEqual(0, rc, err)
        self.assertTrue(all("authorization" not in md for _, _, md in self.servicer.calls))

    def test_unreachable_server_exits_1(self):
        self.target = "127.0.0.1:%d" % free_port()
        rc, out, err = self.run_main("--timeout", "1")
        self.assertEqual(1, rc)
        self.assertEqual("", out)
        self.assertIn("DEADLINE_EXCEEDED", err)

    def test_length_prefixed_round_trip_and_truncation(self):
        elements = [b"", b"a", bytes(300)]
        packed = client.length_prefixed(elements)
        self.assertEqual(b"\x00\x00\x00\x00" + b"\x01\x00\x00\x00a" + b"\x2c\x01\x00\x00", packed[:13])
        self.assertEqual(elements, client.split_length_prefixed(packed))
        with self.assertRaises(ValueError):
            client.split_length_prefixed(packed[:-1])
        with self.assertRaises(ValueError):
            client.split_length_prefixed(b"\x01\x00")

    def test_empty_detections(self):
        resp = pb2.ModelInferResponse(model_name=MODEL)
        for name, datatype, shape in [("boxes", "FP32", [0, 4]), ("scores", "FP32", [0]),
                                      ("label_names", "BYTES", [0]), ("detections_per_image", "INT64", [1])]:
            resp.outputs.add(name=name, datatype=datatype, shape=shape)
            resp.raw_output_contents.append(struct.pack("<q", 0) if name == "detections_per_image" else b"")
        self.assertEqual({"model_name": MODEL, "model_version": "", "boxes": [], "scores": [], "label_names": [],
                          "detections_per_image": [0]}, client.decode_infer_response(resp))

    def test_each_stub_generator_works_alone(self):
        # A fresh interpreter per generator, so the cached stubs of this process do not hide a failure.
        for index, other in ((0, 1), (1, 0)):
            code = ("import oip_grpc_client as c; c.STUB_GENERATORS = ([c.STUB_GENERATORS[%d][0] + '-missing'], "
                    "c.STUB_GENERATORS[%d]); pb2, g = c.generate_stubs(%r); "
                    "print(pb2.InferParameter(double_param=0.5).double_param, g.GRPCInferenceServiceStub.__name__)"
                    % (other, index, PROTO))
            proc = subprocess.run(["/usr/bin/python3", "-c", code], cwd=HERE, capture_output=True, text=True)
            self.assertEqual((0, "0.5 GRPCInferenceServiceStub\n"), (proc.returncode, proc.stdout), proc.stderr)

    def test_script_runs_under_debian_python(self):
        # The Java test runs the file as a program, so check it that way too (stub generation included).
        with tempfile.NamedTemporaryFile(suffix=".png") as img:
            img.write(IMAGE)
            img.flush()
            proc = subprocess.run(["/usr/bin/python3", os.path.join(HERE, "oip_grpc_client.py"), "--target",
                                   self.target, "--model", MODEL, "--image", img.name, "--proto", PROTO],
                                  capture_output=True, text=True, timeout=60)
        self.assertEqual(0, proc.returncode, proc.stderr)
        self.assertEqual([f32(v) for v in SCORES], json.loads(proc.stdout)["raw"]["scores"])


if __name__ == "__main__":
    unittest.main()
