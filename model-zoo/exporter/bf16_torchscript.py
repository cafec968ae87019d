#!/usr/bin/env python3
"""A model directory's bf16 TorchScript beside its fp32 one, and its agreement with fp32.

  bf16_torchscript.py [--layout nchw] [--step make|measure] MODEL_DIR OUT.pt

The backbone, FPN and the heads' convolutions and Linear layers run in bf16 (the RPN head and
the box head for Faster R-CNN, the classification and regression heads for RetinaNet and FCOS),
their inputs cast in and their outputs cast back; the transform, anchors, boxes, NMS, RoIAlign and
Faster R-CNN's box predictor stay fp32, as in the int8 model. RoIAlign is summed by
``pure_ops.roi_align_summed``, not in the exact export's order: the box head rounds it to bf16
anyway. The weights are the fp32 TorchScript's own, so any export (random, official or a user's
file) gets its bf16 twin, with each batch norm that follows a convolution folded into it before
the cast.
The bf16 parts run channels-last unless told otherwise: oneDNN's bf16 convolutions work on NHWC,
and in NCHW every convolution reorders its input and output (the ResNet-50 models' whole forwards
1.1-1.3 x slower on a Zen 4, tried.md). ``channels-last-matmul`` also runs each 1x1 convolution as a
matrix product over the pixels, for a CPU whose libtorch fails oneDNN's 1x1 convolution (a VM that
hides its cache sizes, tried.md); NCHW is for one that fails both (Bf16Export tries them in turn).

Prints one JSON object: the file, its layout and the agreement with fp32 (the fields of the Java
`Agreement`): detections on the export's reference images and 20 generated scenes (the int8
export's, `generated_scenes.py --agreement`), matched at IoU >= 0.9 with the same label, and the cosine and relative
error of the feature maps the backbone hands the heads. Detections come from the two scripted
models; the feature maps from the same modules run eagerly.
"""
import argparse
import copy
import glob
import json
import os
import sys
from typing import Dict, List, Tuple

import torch

MATCH_IOU = 0.9


class Bf16Features(torch.nn.Module):
    """A backbone with its FPN: an image in, a dict of feature maps out."""

    def __init__(self, inner, channels_last: bool):
        super().__init__()
        self.inner = inner.to(torch.bfloat16)
        self.out_channels = inner.out_channels
        self.channels_last = channels_last

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        features: Dict[str, torch.Tensor] = {}
        x = x.to(torch.bfloat16)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        for name, feature in self.inner(x).items():
            features[name] = feature.float()
        return features


class Bf16RpnHead(torch.nn.Module):
    """Faster R-CNN's RPN head: objectness and box deltas per feature map."""

    def __init__(self, inner):
        super().__init__()
        self.inner = inner.to(torch.bfloat16)

    def forward(self, x: List[torch.Tensor]) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        logits, deltas = self.inner([feature.to(torch.bfloat16) for feature in x])
        return [t.float() for t in logits], [t.float() for t in deltas]


class Bf16Tensor(torch.nn.Module):
    """A module from tensor to tensor in bf16; casting its input in, its output back, or both."""

    def __init__(self, inner, cast_in=True, cast_out=True):
        super().__init__()
        self.inner = inner.to(torch.bfloat16)
        self.cast_in = cast_in
        self.cast_out = cast_out

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.inner(x.to(torch.bfloat16) if self.cast_in else x)
        return y.float() if self.cast_out else y


class PointwiseAsMatmul(torch.nn.Module):
    """A 1x1 convolution (any stride) as a matrix product over a channels-last tensor's pixels.

    Its output is a channels-last view of the product. The input is flattened to 2-D first: libtorch
    2.7 runs ``linear`` on a 4-D input that is not contiguous (a strided one's) as a ``bmm`` that
    copies the weight once per row.
    """

    def __init__(self, conv):
        super().__init__()
        self.stride = conv.stride[0]
        self.weight = torch.nn.Parameter(conv.weight.detach().flatten(1), requires_grad=False)
        self.bias = None if conv.bias is None else torch.nn.Parameter(conv.bias.detach(), requires_grad=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.stride > 1:
            x = x[:, :, ::self.stride, ::self.stride]
        n, c, h, w = x.shape
        y = torch.nn.functional.linear(x.permute(0, 2, 3, 1).reshape(n * h * w, c), self.weight, self.bias)
        return y.view(n, h, w, -1).permute(0, 3, 1, 2)


def pointwise_as_matmul(model):
    """Replaces each plain 1x1 convolution in the model (no padding, groups or dilation) by PointwiseAsMatmul."""
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if (type(child) is torch.nn.Conv2d and child.kernel_size == (1, 1) and child.padding == (0, 0)
                    and child.groups == 1 and child.dilation == (1, 1) and child.stride[0] == child.stride[1]):
                setattr(parent, name, PointwiseAsMatmul(child))


def fold_batch_norms(model):
    """Folds every batch norm that directly follows a convolution into it, in fp32, before any cast.

    Where the forward is known to run one right after the other: a plain Sequential (a convolution,
    then its norm) and torchvision's ResNet stem and blocks (convN, then bnN); the norm becomes an
    identity. In eval mode a batch norm is a per-channel affine map, so the convolution's weights and
    bias take it: one bf16 rounding less per layer and no pass over the activations (tried.md).
    """
    import torchvision
    from torch.nn.utils.fusion import fuse_conv_bn_weights
    from torchvision.models._utils import IntermediateLayerGetter
    from torchvision.models.resnet import BasicBlock, Bottleneck
    norms = (torch.nn.BatchNorm2d, torchvision.ops.FrozenBatchNorm2d)
    for parent in list(model.modules()):
        pairs = []
        if type(parent).forward is torch.nn.Sequential.forward:
            names = list(parent._modules)  # named_children() would skip a module that appears twice
            pairs = list(zip(names, names[1:]))
        elif isinstance(parent, (BasicBlock, Bottleneck, IntermediateLayerGetter)):
            pairs = [(f"conv{i}", f"bn{i}") for i in range(1, 4)]
        for conv_name, norm_name in pairs:
            conv, norm = getattr(parent, conv_name, None), getattr(parent, norm_name, None)
            if type(conv) is torch.nn.Conv2d and isinstance(norm, norms):
                conv.weight, conv.bias = fuse_conv_bn_weights(conv.weight, conv.bias, norm.running_mean, norm.running_var,
                                                              norm.eps, norm.weight, norm.bias)
                setattr(parent, norm_name, torch.nn.Identity())


def to_bf16(model, channels_last=True, matmul=False):
    """A copy of the detector with the parts named in the module docstring in bf16, channels-last unless told not,
    and with its 1x1 convolutions as matrix products where told."""
    model = copy.deepcopy(model)
    fold_batch_norms(model)
    if matmul:
        pointwise_as_matmul(model)  # the fp32 parts (box predictor, transform) have none
    model.backbone = Bf16Features(model.backbone, channels_last)
    if hasattr(model, "rpn"):
        model.rpn.head = Bf16RpnHead(model.rpn.head)
        model.roi_heads.box_head = Bf16Tensor(model.roi_heads.box_head)
    else:
        # RetinaNet's and FCOS's heads: each tower runs in bf16 into its output convolutions, which
        # cast back (wrapping a whole head would hide the compute_loss that scripting compiles too)
        for head in (model.head.classification_head, model.head.regression_head):
            head.conv = Bf16Tensor(head.conv, cast_out=False)
            for output in ("cls_logits", "bbox_reg", "bbox_ctrness"):
                if hasattr(head, output):
                    setattr(head, output, Bf16Tensor(getattr(head, output), cast_in=False))
    if channels_last:
        for module in model.modules():
            if isinstance(module, (Bf16Features, Bf16RpnHead, Bf16Tensor)):
                module.inner.to(memory_format=torch.channels_last)
    return model.eval()


def script(bf16, name):
    """The bf16 detector scripted as the export scripts its own, with RoIAlign summed (see the module docstring)."""
    import export_detectors as exporter
    import pure_ops
    scripted = exporter.script_without_torchvision_ops(bf16, name, roi_align=pure_ops.roi_align_summed)
    # TorchScript compiles torchvision's pooler once per process: scripted before with the exact
    # RoIAlign, it would keep that one without a word
    if hasattr(bf16, "roi_heads") and "aten::embedding_bag" not in str(scripted.inlined_graph):
        raise SystemExit(f"{name}: the bf16 TorchScript kept the exact RoIAlign")
    return scripted


def fp32_model(model_dir, metadata):
    """The eager detector of the directory's fp32 TorchScript: its weights, normalisation epsilons and thresholds.

    Checked against the TorchScript on the first reference image with the export's own parity rule,
    so that the bf16 model is this model rounded, not a near relative of it.
    """
    import torchvision
    import export_detectors as exporter
    scripted = torch.jit.load(os.path.join(model_dir, metadata["artifacts"]["torchscript"]["file"]))
    prefix = "detector."
    weights = {key[len(prefix):]: value for key, value in scripted.state_dict().items() if key.startswith(prefix)}
    model = torchvision.models.get_model(metadata["architecture"], weights=None, weights_backbone=None)
    model.load_state_dict(weights)
    # torchvision builds some official-weight models with an epsilon of 0 in their frozen batch
    # norms; an attribute, not a weight, so it is copied from the scripted modules
    scripted_modules = dict(scripted.named_modules())
    for name, module in model.named_modules():
        if hasattr(module, "eps") and hasattr(scripted_modules.get(prefix + name), "eps"):
            module.eps = scripted_modules[prefix + name].eps
    exporter.set_thresholds(model, metadata["family"], metadata["scoreThreshold"], metadata["detectionsPerImage"])
    model.eval()
    first = sorted(glob.glob(os.path.join(model_dir, "references", "*.png")))[0]
    image = exporter.load_image(first)
    with torch.no_grad():
        exporter.compare(exporter.detect_eager(model, image), *scripted(image),
                         f"{metadata['name']}'s rebuilt eager model on {os.path.basename(first)}")
    return model, scripted


def agreement_images(model_dir, work, scenes):
    import generated_scenes
    images = sorted(glob.glob(os.path.join(model_dir, "references", "*.png")))
    return images + generated_scenes.write(work, scenes, generated_scenes.AGREEMENT)


def agreement(fp32, bf16, fp32_scripted, bf16_scripted, paths):
    """The Java `Agreement`'s figures for these two models on these images."""
    import torchvision
    import export_detectors as exporter
    detections = matched = reduced = 0
    differences = []
    min_cosine, max_error = 1.0, 0.0
    for path in paths:
        image = exporter.load_image(path)
        with torch.no_grad():
            one, other = fp32_scripted(image), bf16_scripted(image)
            batch = fp32.transform([image])[0].tensors
            maps = zip(fp32.backbone(batch).values(), bf16.backbone(batch).values())
        detections += len(one[1])
        reduced += len(other[1])
        iou = torchvision.ops.box_iou(one[0], other[0]) if len(one[1]) and len(other[1]) else None
        for d in range(len(one[1])):
            if iou is None:
                continue
            candidates = torch.where((other[2] == one[2][d]) & (iou[d] >= MATCH_IOU), iou[d], torch.tensor(-1.0))
            best = int(candidates.argmax())
            if candidates[best] >= MATCH_IOU:
                matched += 1
                differences.append(abs(float(one[1][d]) - float(other[1][best])))
        for x, y in maps:
            cosine, error = compare_maps(x.double().flatten(), y.double().flatten())
            min_cosine = min(min_cosine, cosine)
            max_error = max(max_error, error)
    differences.sort()
    return {"images": len(paths), "fp32Detections": detections,
            "matchedShare": matched / detections if detections else 1.0, "lost": detections - matched,
            "gained": reduced - matched, "maxScoreDifference": differences[-1] if differences else None,
            "medianScoreDifference": differences[(len(differences) - 1) // 2] if differences else None,
            "minFeatureCosine": round(min_cosine, 4), "maxFeatureRelativeError": round(max_error, 4)}


def compare_maps(x, y):
    """Cosine similarity and relative (to x) L2 error of y against x, as the Java `Agreement` computes them."""
    xx, yy = float(x.norm()), float(y.norm())
    cosine = (1.0 if xx == yy else 0.0) if xx == 0 or yy == 0 else float(torch.dot(x, y)) / (xx * yy)
    return cosine, 0.0 if xx == 0 else float((x - y).norm()) / xx


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model_dir")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--scenes", type=int, default=20, help="generated scenes beside the reference images")
    parser.add_argument("--layout", choices=("channels-last", "channels-last-matmul", "nchw"), default="channels-last",
                        help="the bf16 convolutions' memory layout")
    parser.add_argument("--step", choices=("make", "measure", "both"), default="both",
                        help="make: write OUT with no agreement (null); measure: the agreement of the OUT made before")
    args = parser.parse_args()
    import tempfile
    torch.set_num_threads(args.threads)
    with open(os.path.join(args.model_dir, "detector.json")) as f:
        metadata = json.load(f)
    fp32, fp32_scripted = fp32_model(args.model_dir, metadata)
    bf16 = to_bf16(fp32, channels_last=args.layout != "nchw", matmul=args.layout == "channels-last-matmul")
    if args.step == "measure":
        bf16_scripted = torch.jit.load(args.out)
    else:
        bf16_scripted = script(bf16, metadata["name"])
        bf16_scripted.save(args.out)
    measured = None
    if args.step != "make":
        with tempfile.TemporaryDirectory() as work:
            measured = agreement(fp32, bf16, fp32_scripted, bf16_scripted,
                                 agreement_images(args.model_dir, work, args.scenes))
    print(json.dumps({"file": os.path.basename(args.out), "layout": args.layout, "agreement": measured}))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
