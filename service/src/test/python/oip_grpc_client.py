#!/usr/bin/python3
"""External Open Inference Protocol (KServe v2) gRPC client used to probe the Java server.

Runs with Debian's /usr/bin/python3 and Debian packages only:
  apt-get install python3-grpcio python3-grpc-tools protobuf-compiler protobuf-compiler-grpc

  /usr/bin/python3 oip_grpc_client.py --target localhost:9090 --model NAME --image IMG \
      --proto service/src/main/proto/grpc_predict_v2.proto [--token TOKEN]

Prints one JSON object on stdout; exits 1 (error on stderr) when a call that should succeed fails.
"""
import argparse
import atexit
import functools
import importlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import grpc

STUB_GENERATORS = (
    # Preferred: python3-grpc-tools 1.14 (bundles libprotoc 3.5.1); its legacy _pb2 imports under protobuf 4.21.
    [sys.executable, "-m", "grpc_tools.protoc"],
    # Fallback (also verified): protoc 3.21 + grpc_python_plugin 1.51, the runtime's own versions.
    ["protoc", "--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin"],
)


@functools.lru_cache(maxsize=None)
def generate_stubs(proto):
    """Compile PROTO into a temp dir and return (pb2, pb2_grpc) modules; cached so that the
    in-process test server and the client share one set of message classes."""
    proto = os.path.abspath(proto)
    stem = os.path.splitext(os.path.basename(proto))[0]
    failures = []
    for generator in STUB_GENERATORS:
        out = tempfile.mkdtemp(prefix="oip_stubs_")
        atexit.register(shutil.rmtree, out, True)
        cmd = generator + ["-I" + os.path.dirname(proto), "--python_out=" + out,
                           "--grpc_python_out=" + out, proto]
        sys.path.insert(0, out)
        try:
            subprocess.run(cmd, check=True, capture_output=True, text=True)
            return (importlib.import_module(stem + "_pb2"),
                    importlib.import_module(stem + "_pb2_grpc"))
        except subprocess.CalledProcessError as e:
            failures.append("%s: %s" % (" ".join(cmd), e.stderr.strip()))
        except Exception as e:  # missing tool (OSError) or generated code that will not import
            failures.append("%s: %r" % (" ".join(cmd), e))
        sys.path.remove(out)
        for name in (stem + "_pb2", stem + "_pb2_grpc"):
            sys.modules.pop(name, None)
    raise RuntimeError("cannot generate gRPC stubs:\n" + "\n".join(failures))


# Fixed-width OIP datatypes as struct codes; BYTES is handled separately (length-prefixed).
RAW_FORMATS = {"BOOL": "?", "INT8": "b", "INT16": "h", "INT32": "i", "INT64": "q", "UINT8": "B",
               "UINT16": "H", "UINT32": "I", "UINT64": "Q", "FP32": "f", "FP64": "d"}
TYPED_FIELDS = {"BOOL": "bool_contents", "INT8": "int_contents", "INT16": "int_contents",
                "INT32": "int_contents", "INT64": "int64_contents", "UINT8": "uint_contents",
                "UINT16": "uint_contents", "UINT32": "uint_contents",
                "UINT64": "uint64_contents", "FP32": "fp32_contents", "FP64": "fp64_contents",
                "BYTES": "bytes_contents"}


def length_prefixed(elements):
    return b"".join(struct.pack("<I", len(e)) + e for e in elements)


def split_length_prefixed(raw):
    elements, pos = [], 0
    while pos < len(raw):
        if pos + 4 > len(raw):
            raise ValueError("truncated BYTES length prefix at offset %d" % pos)
        (n,) = struct.unpack_from("<I", raw, pos)
        if pos + 4 + n > len(raw):
            raise ValueError("BYTES element at offset %d overruns the buffer" % pos)
        elements.append(raw[pos + 4:pos + 4 + n])
        pos += 4 + n
    return elements


def reshape(flat, shape):
    # Only nest when the shape accounts for every element (e.g. boxes [K,4] -> K rows of 4).
    if len(shape) < 2 or shape[0] == 0 or any(d < 0 for d in shape) or functools.reduce(
            lambda a, b: a * b, shape, 1) != len(flat):
        return flat
    step = len(flat) // shape[0]
    return [reshape(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def decode_tensor(tensor, raw):
    """raw is this tensor's raw_output_contents entry, or None to read the typed contents."""
    dt = tensor.datatype
    if raw is not None:
        if dt == "BYTES":
            flat = split_length_prefixed(raw)
        elif dt in RAW_FORMATS:
            fmt = "<" + RAW_FORMATS[dt]
            flat = [v for (v,) in struct.iter_unpack(fmt, raw)]
        else:
            raise ValueError("cannot decode datatype %r of output %r" % (dt, tensor.name))
    else:
        flat = list(getattr(tensor.contents, TYPED_FIELDS[dt]))
    if dt == "BYTES":
        flat = [e.decode("utf-8", "replace") for e in flat]
    return reshape(flat, list(tensor.shape))


def decode_infer_response(resp):
    result = {"model_name": resp.model_name, "model_version": resp.model_version}
    raws = list(resp.raw_output_contents)
    if raws and len(raws) != len(resp.outputs):
        raise ValueError("%d raw_output_contents for %d outputs" % (len(raws), len(resp.outputs)))
    for i, tensor in enumerate(resp.outputs):
        result[tensor.name] = decode_tensor(tensor, raws[i] if raws else None)
    return result


def tensor_metadata(tensors):
    return [{"name": t.name, "datatype": t.datatype, "shape": list(t.shape)} for t in tensors]


def run_client(target, model, image, proto, token=None, timeout=30.0):
    pb2, pb2_grpc = generate_stubs(proto)
    metadata = [("authorization", "Bearer " + token)] if token else None
    options = [("grpc.max_receive_message_length", 64 << 20),
               ("grpc.max_send_message_length", 64 << 20)]
    with grpc.insecure_channel(target, options=options) as channel:
        stub = pb2_grpc.GRPCInferenceServiceStub(channel)
        # wait_for_ready lets the client tolerate a server that is still binding its port.
        call = lambda rpc, req: rpc(req, timeout=timeout, metadata=metadata, wait_for_ready=True)

        def infer(model_name, datatype, raw=None, typed=None):
            req = pb2.ModelInferRequest(model_name=model_name)
            inp = req.inputs.add(name="image", datatype=datatype, shape=[1])
            if raw is not None:
                req.raw_input_contents.append(raw)
            else:
                inp.contents.bytes_contents.append(typed)
            return call(stub.ModelInfer, req)

        def expect_error(*args, **kwargs):
            try:
                infer(*args, **kwargs)
                return {"code": "OK", "details": ""}
            except grpc.RpcError as e:
                return {"code": e.code().name, "details": e.details()}

        live = call(stub.ServerLive, pb2.ServerLiveRequest()).live
        ready = call(stub.ServerReady, pb2.ServerReadyRequest()).ready
        server = call(stub.ServerMetadata, pb2.ServerMetadataRequest())
        meta = call(stub.ModelMetadata, pb2.ModelMetadataRequest(name=model))
        return {
            "live": live,
            "ready": ready,
            "server": {"name": server.name, "version": server.version,
                       "extensions": list(server.extensions)},
            "model": {"name": meta.name, "versions": list(meta.versions),
                      "platform": meta.platform, "inputs": tensor_metadata(meta.inputs),
                      "outputs": tensor_metadata(meta.outputs)},
            "model_ready": call(stub.ModelReady, pb2.ModelReadyRequest(name=model)).ready,
            "raw": decode_infer_response(infer(model, "BYTES", raw=length_prefixed([image]))),
            "bytes_contents": decode_infer_response(infer(model, "BYTES", typed=image)),
            "errors": {
                "unknown_model": expect_error("no-such-model", "BYTES",
                                              raw=length_prefixed([image])),
                # A well-formed one-element FP32 tensor, so only the datatype is wrong.
                "wrong_datatype": expect_error(model, "FP32", raw=struct.pack("<f", 0.0)),
            },
        }


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--target", required=True, help="host:port")
    p.add_argument("--model", required=True)
    p.add_argument("--image", required=True, help="encoded image file")
    p.add_argument("--proto", required=True, help="path to grpc_predict_v2.proto")
    p.add_argument("--token", help="sent as 'authorization: Bearer TOKEN'")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per call")
    args = p.parse_args(argv)
    with open(args.image, "rb") as f:
        image = f.read()
    try:
        result = run_client(args.target, args.model, image, args.proto, args.token, args.timeout)
    except grpc.RpcError as e:
        print("gRPC call failed: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 1
    except (RuntimeError, ValueError) as e:
        print("client error: %s" % e, file=sys.stderr)
        return 1
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
