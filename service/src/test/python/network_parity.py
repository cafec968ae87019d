"""Replays a POST /v1/training/networks case in PyTorch and checks that the service computed the same numbers.

Usage: /usr/bin/python3 network_parity.py CASE.json [CASE2.json ...]
Each case is {"name", "request" (no preset, "trace": true), "response"}; a shuffled run's response carries each epoch's
order of the samples (trace.epochOrders), which the replay follows.
Prints one JSON object and exits 0 only when every case matches within TOLERANCE.
"""
import json
import math
from decimal import Decimal
import sys

import torch
from torch import nn

TOLERANCE = 1e-5
# Relative differences divide by max(|torch|, REL_FLOOR, TENSOR_FLOOR x the tensor's largest |torch| value): an element
# that is (nearly) zero, beside others of its tensor that are not, would otherwise turn a rounding-level absolute
# difference into a huge relative one, or divide by nothing. A recurrent layer's 20 steps leave such elements 2e-8 apart
# (abs) where the tensor's values reach 0.4.
REL_FLOOR = 1e-3
TENSOR_FLOOR = 1e-2
MAX_REPORTED_FAILURES = 10
RUNNING_STATS = ("running_mean", "running_var")


class CaseError(Exception):
    """A case that cannot be replayed; its message is the failure reported for the case."""


class MinPool(nn.Module):
    """Torch has no min pooling; the contract defines it as -maxPool(-x) with the same arguments."""

    def __init__(self, max_pool):
        super().__init__()
        self.max_pool = max_pool

    def forward(self, x):
        return -self.max_pool(-x)


def _size(value):
    # JSON has no tuples, and torch reads a list kernel size as a per-dimension size only when it is a tuple.
    return tuple(value) if isinstance(value, list) else value


def _conv(cls):
    return lambda a, shape: cls(
        shape[0], a["outChannels"], _size(a["kernelSize"]), stride=_size(a.get("stride", 1)),
        padding=_size(a.get("padding", 0)), dilation=_size(a.get("dilation", 1)), groups=a.get("groups", 1),
        bias=a.get("bias", True))


def _pool(cls, wrap=lambda pool: pool):
    def make(a, shape):
        kernel = _size(a["kernelSize"])
        return wrap(cls(kernel, stride=_size(a.get("stride", kernel)), padding=_size(a.get("padding", 0))))
    return make


def _recurrent(cls):
    """torch's RNN/LSTM/GRU with batch_first, answering the whole sequence or, with output "last", output[:, -1]."""
    class Selected(cls):
        def __init__(self, a, shape):
            extra = {"nonlinearity": a.get("nonlinearity", "tanh")} if cls is nn.RNN else {}
            super().__init__(shape[-1], a["hiddenSize"], num_layers=a.get("numLayers", 1), bias=a.get("bias", True),
                             batch_first=True, dropout=_replayable_rate(a.get("dropout", 0)),
                             bidirectional=a.get("bidirectional", False), **extra)
            self.last = a.get("output", "sequence") == "last"

        def forward(self, x):
            output = super().forward(x)[0]
            return output[:, -1] if self.last else output
    return Selected


class PositionedEncoder(nn.TransformerEncoder):
    """nn.TransformerEncoder (batch_first) after an optional position encoding, masking padding keys when asked."""

    def __init__(self, a, shape):
        length, width = shape
        layer = nn.TransformerEncoderLayer(
            width, a["nhead"], dim_feedforward=a.get("dimFeedforward", 2048), dropout=_replayable_rate(a.get("dropout", 0.1)),
            activation=a.get("activation", "relu"), layer_norm_eps=a.get("layerNormEps", 1e-5), batch_first=True,
            norm_first=a.get("normFirst", False))
        super().__init__(layer, a.get("numLayers", 1), enable_nested_tensor=False)
        self.encoding = a.get("positionEncoding", "none")
        if self.encoding == "learned":
            self.position = nn.Parameter(torch.zeros(length, width))
        elif self.encoding == "sinusoidal":
            self.register_buffer("position", torch.zeros(length, width))
        self.masked = a.get("paddingMask", False)
        self.padding_idx = None
        self.output = a.get("output", "sequence")

    def forward(self, x, tokens=None):
        if self.encoding != "none":
            x = x + self.position
        mask = tokens == self.padding_idx if self.masked and tokens is not None else None
        x = super().forward(x, src_key_padding_mask=mask)
        return x[:, 0] if self.output == "first" else x.mean(dim=1) if self.output == "mean" else x


class Network(nn.Sequential):
    """nn.Sequential, but a Transformer encoder also sees the token ids the network was given, for its padding mask."""

    def forward(self, x):
        tokens = x
        for module in self:
            x = module(x, tokens) if isinstance(module, PositionedEncoder) else module(x)
        return x


def _replayable_rate(p):
    # the service draws its masks from its own seeded generator, torch from its own: only p = 0 can agree
    if p != 0:
        raise ValueError(f"dropout p={p} cannot be replayed; compare at p = 0")
    return p


def _batch_norm(cls):
    return lambda a, shape: cls(shape[0], eps=a.get("eps", 1e-5), momentum=a.get("momentum", 0.1))


LAYERS = {
    "linear": lambda a, shape: nn.Linear(shape[-1], a["outFeatures"], bias=a.get("bias", True)),
    "conv1d": _conv(nn.Conv1d),
    "conv2d": _conv(nn.Conv2d),
    "maxPool1d": _pool(nn.MaxPool1d),
    "maxPool2d": _pool(nn.MaxPool2d),
    "minPool1d": _pool(nn.MaxPool1d, MinPool),
    "minPool2d": _pool(nn.MaxPool2d, MinPool),
    "avgPool1d": _pool(nn.AvgPool1d),
    "avgPool2d": _pool(nn.AvgPool2d),
    "flatten": lambda a, shape: nn.Flatten(a.get("startDim", 1)),
    "dropout": lambda a, shape: nn.Dropout(_replayable_rate(a.get("p", 0.5))),
    "batchNorm1d": _batch_norm(nn.BatchNorm1d),
    "batchNorm2d": _batch_norm(nn.BatchNorm2d),
    "layerNorm": lambda a, shape: nn.LayerNorm(a.get("normalizedShape", [shape[-1]]), eps=a.get("eps", 1e-5)),
    "embedding": lambda a, shape: nn.Embedding(a["numEmbeddings"], a["embeddingDim"], padding_idx=a.get("paddingIdx")),
    "rnn": _recurrent(nn.RNN),
    "lstm": _recurrent(nn.LSTM),
    "gru": _recurrent(nn.GRU),
    "transformerEncoder": PositionedEncoder,
    "relu": lambda a, shape: nn.ReLU(),
    "tanh": lambda a, shape: nn.Tanh(),
    "sigmoid": lambda a, shape: nn.Sigmoid(),
    "gelu": lambda a, shape: nn.GELU(),
    "softmax": lambda a, shape: nn.Softmax(dim=a.get("dim", -1)),
}
LOSSES = {"mse": nn.MSELoss, "l1": nn.L1Loss, "crossEntropy": nn.CrossEntropyLoss, "bce": nn.BCEWithLogitsLoss}


def build_layer(index, spec, shape):
    """Returns the module for one layer spec and the per-sample shape it outputs."""
    kind = spec.get("kind")
    if kind not in LAYERS:
        raise CaseError(f"layer {index}: unknown kind {kind!r} (known: {', '.join(LAYERS)})")
    try:
        layer = LAYERS[kind](spec, shape)
    except KeyError as missing:
        raise CaseError(f"layer {index} ({kind}): missing required argument {missing}") from None
    except (TypeError, ValueError, RuntimeError) as error:
        raise CaseError(f"layer {index} ({kind}): cannot build it for input shape {shape}: {error}") from None
    # Probing in eval mode with a batch of two infers the next in-size without drawing random numbers (dropout)
    # or tripping batch norm's one-sample check.
    try:
        with torch.no_grad():
            probe = torch.zeros([2] + list(shape), dtype=torch.int64 if kind == "embedding" else torch.float32)
            out = layer.eval()(probe)
    except RuntimeError as error:
        raise CaseError(f"layer {index} ({kind}): cannot apply it to input shape {shape}: {error}") from None
    return layer, list(out.shape[1:])


def build_model(layers, input_shape):
    """Returns the nn.Sequential for the request's layers and its per-sample output shape."""
    modules, shape = [], list(input_shape)
    for index, spec in enumerate(layers):
        layer, shape = build_layer(index, spec, shape)
        modules.append(layer)
    for module in modules:
        if isinstance(module, PositionedEncoder) and isinstance(modules[0], nn.Embedding):
            module.padding_idx = modules[0].padding_idx
    return Network(*modules), shape


def freeze(model, layers):
    for layer, spec in zip(model, layers):
        if not spec.get("trainable", True):
            layer.requires_grad_(False)


def checked_state(model):
    """The tensors the service must report: every parameter, and batch norm's running statistics."""
    state = dict(model.named_parameters())
    state.update((name, t) for name, t in model.named_buffers() if name.rsplit(".", 1)[-1] in RUNNING_STATS)
    return state


def service_tensor(entry, name, shape, section):
    reported = list(entry.get("shape", []))
    if reported != list(shape):
        raise CaseError(f"{section} {name}: service shape {reported}, torch shape {list(shape)}")
    return torch.tensor(entry["values"], dtype=torch.float64).reshape(shape)


def load_initial(model, trace):
    """Copies the service's initial values into the model, so both sides start from the same weights."""
    checked = checked_state(model)
    for section, own in (("initialParameters", dict(model.named_parameters())),
                         ("initialBuffers", dict(model.named_buffers()))):
        reported = trace.get(section, {})
        extra = sorted(reported.keys() - own.keys())
        if extra:
            raise CaseError(f"{section}: service reports {extra}, which the torch model does not have")
        for name, tensor in own.items():
            if name in reported:
                with torch.no_grad():
                    tensor.copy_(service_tensor(reported[name], name, tensor.shape, section))
            elif name in checked:
                raise CaseError(f"{section} {name}: missing from the service's response")


def training_data(request, output_shape):
    """The inputs and targets the service trains on: all samples but the held-out validation tail."""
    data = request["data"]
    inputs = torch.tensor(data["inputs"], dtype=torch.float32)
    count = len(inputs)
    inputs = inputs.reshape([count] + list(request["inputShape"]))
    if request["layers"][0]["kind"] == "embedding":
        inputs = inputs.to(torch.int64)
    if request["loss"] == "crossEntropy":
        targets = torch.tensor(data["targets"], dtype=torch.int64).reshape(count)
    else:
        targets = torch.tensor(data["targets"], dtype=torch.float32).reshape([count] + list(output_shape))
    # in decimal, as the service counts: 0.07 * 100 is 7.000000000000001 in binary
    held_out = math.ceil(Decimal(repr(data.get("validationSplit", 0))) * count)
    return inputs[:count - held_out], targets[:count - held_out]


def make_optimizer(spec, parameters):
    kind, decay = spec.get("kind", "sgd"), spec.get("weightDecay", 0.0)
    if kind == "sgd":
        return torch.optim.SGD(parameters, lr=spec.get("learningRate", 0.01), momentum=spec.get("momentum", 0.0),
                               weight_decay=decay)
    if kind == "adam":
        return torch.optim.Adam(parameters, lr=spec.get("learningRate", 0.001),
                                betas=tuple(spec.get("betas", (0.9, 0.999))), eps=spec.get("eps", 1e-8),
                                weight_decay=decay)
    raise CaseError(f"unknown optimizer kind {kind!r}")


def train(model, request, inputs, targets, orders=None):
    """Runs the request's training the way the contract specifies; returns each step's loss before its update.

    orders, where the service shuffled, holds each epoch's order of the training samples as the service drew it.
    """
    if request["loss"] not in LOSSES:
        raise CaseError(f"unknown loss {request['loss']!r}")
    criterion = LOSSES[request["loss"]]()
    optimizer = make_optimizer(request["optimizer"], [p for p in model.parameters() if p.requires_grad])
    batch_size = request.get("batchSize") or len(inputs)
    losses = []
    model.train()
    for epoch in range(request.get("epochs", 10)):
        order = torch.tensor(orders[epoch]) if orders else torch.arange(len(inputs))
        for start in range(0, len(inputs), batch_size):
            batch = order[start:start + batch_size]
            optimizer.zero_grad()
            loss = criterion(model(inputs[batch]), targets[batch])
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
    return losses


def rel_diff(service, ours, tensor_floor=TENSOR_FLOOR):
    scale = ours.abs().max().item() * tensor_floor if ours.numel() else 0.0
    return (service - ours).abs() / ours.abs().clamp_min(max(REL_FLOOR, scale))


def worst(rel):
    # NaN never compares as within tolerance, so it must also win the maximum.
    return rel.nan_to_num(nan=math.inf).max().item() if rel.numel() else 0.0


def compare_losses(service, ours, failures):
    if len(service) != len(ours):
        failures.append(f"step count: service {len(service)}, torch {len(ours)}")
    common = min(len(service), len(ours))
    service_t = torch.tensor(service[:common], dtype=torch.float64)
    ours_t = torch.tensor(ours[:common], dtype=torch.float64)
    # each step's loss is a number of its own, not an element of a tensor beside larger ones
    rel = rel_diff(service_t, ours_t, tensor_floor=0)
    for i in (~(rel <= TOLERANCE)).nonzero().flatten().tolist():
        failures.append(f"step {i + 1} loss: service {service_t[i]:.9g} torch {ours_t[i]:.9g} (rel {rel[i]:.2e})")
    return worst(rel)


def compared_elements(name, tensor, optimizer):
    """The elements to compare: all, but for the key third of an attention's in_proj_bias under Adam.

    Adding a constant to every key's score leaves the softmax unchanged, so the key bias's gradient is zero but for
    rounding; Adam's step m/sqrt(v) scales that noise to full learning-rate steps whose signs no two libraries share.
    """
    if optimizer.get("kind", "sgd") == "adam" and name.endswith("self_attn.in_proj_bias"):
        width = tensor.numel() // 3
        return torch.cat([torch.arange(0, width), torch.arange(2 * width, 3 * width)])
    return torch.arange(tensor.numel())


def compare_final(model, layers, response, failures, optimizer):
    """Compares final parameters and running statistics; returns the largest relative difference per layer kind."""
    by_kind = {}
    parameter_names = dict(model.named_parameters()).keys()
    for name, tensor in checked_state(model).items():
        section = "parameters" if name in parameter_names else "buffers"
        entry = response.get(section, {}).get(name)
        if entry is None:
            failures.append(f"{section} {name}: missing from the service's response")
            continue
        try:
            service = service_tensor(entry, name, tensor.shape, section)
        except CaseError as mismatch:
            failures.append(str(mismatch))
            continue
        ours = tensor.detach().double()
        compared = compared_elements(name, tensor, optimizer)
        rel = rel_diff(service, ours).flatten()[compared]
        bad = (~(rel <= TOLERANCE)).nonzero().flatten()
        if bad.numel():
            worst_bad = bad[rel[bad].nan_to_num(nan=math.inf).argmax()].item()
            i = compared[worst_bad].item()
            rel_i = rel[worst_bad]
            failures.append(f"{section} {name}: {bad.numel()} of {rel.numel()} elements differ, worst flat index {i}: "
                            f"service {service.flatten()[i]:.9g} torch {ours.flatten()[i]:.9g} (rel {rel_i:.2e})")
        kind = layers[int(name.split(".", 1)[0])]["kind"]
        by_kind[kind] = max(by_kind.get(kind, 0.0), worst(rel))
    return by_kind


def replay(request, response, found):
    """Fills found (steps, maxLossRelDiff, maxParamRelDiff, failures) by replaying the case in torch."""
    if request.get("preset") is not None:
        raise CaseError("the request names a preset; cases must spell out every field")
    if "trace" not in response:
        raise CaseError('the response has no trace; send the request with "trace": true')
    orders = response["trace"].get("epochOrders")
    if request.get("shuffle") is not False and orders is None:
        raise CaseError("the service shuffled but answered no epochOrders: torch cannot see the same batches")
    torch.set_default_dtype(torch.float32)
    torch.manual_seed(0)
    model, output_shape = build_model(request["layers"], request["inputShape"])
    freeze(model, request["layers"])
    load_initial(model, response["trace"])
    inputs, targets = training_data(request, output_shape)
    losses = train(model, request, inputs, targets, orders)
    found["steps"] = len(losses)
    found["maxLossRelDiff"] = compare_losses(response["trace"]["stepLosses"], losses, found["failures"])
    found["maxParamRelDiff"] = compare_final(model, request["layers"], response, found["failures"],
                                             request["optimizer"])


def finite_or_none(value):
    # Strict JSON has no NaN or Infinity; null marks a difference that could not be measured.
    return value if value is None or math.isfinite(value) else None


def check_case(case):
    """Replays one case; returns its entry of the printed report."""
    found = {"steps": 0, "maxLossRelDiff": None, "maxParamRelDiff": {}, "failures": []}
    try:
        replay(case["request"], case["response"], found)
    except CaseError as error:
        found["failures"].append(str(error))
    except KeyError as missing:
        found["failures"].append(f"the case lacks the field {missing}")
    except (TypeError, ValueError, RuntimeError) as error:
        found["failures"].append(f"cannot replay the case: {type(error).__name__}: {error}")
    return {"name": case.get("name"), "steps": found["steps"],
            "maxLossRelDiff": finite_or_none(found["maxLossRelDiff"]),
            "maxParamRelDiff": {kind: finite_or_none(v) for kind, v in found["maxParamRelDiff"].items()},
            "ok": not found["failures"], "failures": found["failures"][:MAX_REPORTED_FAILURES]}


def main(paths):
    results = []
    for path in paths:
        with open(path) as file:
            results.append(check_case(json.load(file)))
    print(json.dumps({"cases": results}, indent=2))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
