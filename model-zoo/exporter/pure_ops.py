"""TorchScript replacements for torchvision's two C++ detection ops, and for the resize.

DJL's stock libtorch has no ``torchvision::`` operators, so a scripted detector that still
calls ``torchvision::nms`` or ``torchvision::roi_align`` cannot be loaded from Java. These
replacements are plain tensor code that follows the float32 order of operations of
torchvision 0.14's CPU kernels, so that the exported graph returns bit-for-bit what
torchvision itself returns (``test_pure_ops.py`` checks this against the C++ kernels).

The bilinear resize is replaced for another reason: it is the one kernel of the detectors
whose float32 results differ between torch 1.13 and the newer libtorch DJL ships.
Elementwise tensor arithmetic is exact in both, so a resize written in it gives the same
input to the network on both sides.
"""
import math
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor


def _float32_at_most(threshold: float) -> Tensor:
    # The C++ kernel compares a float32 IoU with a double threshold. That equals comparing
    # with the largest float32 not above the threshold; a plain float32 cast may round up.
    exact = torch.tensor(threshold, dtype=torch.float64)
    single = exact.to(torch.float32)
    if bool(single.to(torch.float64) > exact):
        single = torch.nextafter(single, torch.tensor(float("-inf"), dtype=torch.float32))
    return single


def nms(boxes: Tensor, scores: Tensor, iou_threshold: float) -> Tensor:
    """Exact greedy non-maximum suppression, as torchvision's CPU kernel computes it.

    The kernel walks boxes in stable descending score order and drops every later box whose
    IoU with a kept box exceeds the threshold. Here the IoU matrix is computed once and the
    greedy walk is replayed in rounds: a box is kept once no earlier box that is kept or still
    undecided overlaps it, and suppressed once a kept earlier box does. Each round decides at
    least the first undecided box, and in practice a handful of rounds decide them all.
    """
    n = boxes.size(0)
    if n == 0:
        return torch.zeros([0], dtype=torch.long, device=boxes.device)
    order = torch.sort(scores, stable=True, descending=True)[1]
    x1 = boxes[:, 0]
    y1 = boxes[:, 1]
    x2 = boxes[:, 2]
    y2 = boxes[:, 3]
    areas = ((x2 - x1) * (y2 - y1))[order]
    x1 = x1[order]
    y1 = y1[order]
    x2 = x2[order]
    y2 = y2[order]
    w = (torch.minimum(x2[:, None], x2[None, :]) - torch.maximum(x1[:, None], x1[None, :])).clamp(min=0)
    h = (torch.minimum(y2[:, None], y2[None, :]) - torch.maximum(y1[:, None], y1[None, :])).clamp(min=0)
    inter = w * h
    iou = inter / (areas[:, None] + areas[None, :] - inter)
    earlier = torch.ones([n, n], dtype=torch.bool, device=boxes.device).triu(1)
    # overlaps[j, i]: earlier box j would suppress box i if j is kept
    overlaps = (iou > _float32_at_most(iou_threshold).to(boxes.device)) & earlier
    overlaps_f = overlaps.to(torch.float32)
    kept = torch.zeros([n], dtype=torch.bool, device=boxes.device)
    decided = torch.zeros([n], dtype=torch.bool, device=boxes.device)
    while not bool(decided.all()):
        undecided = ~decided
        blockers = (kept | undecided).to(torch.float32)
        newly_kept = undecided & ((blockers @ overlaps_f) == 0)
        kept = kept | newly_kept
        suppressed = undecided & ((kept.to(torch.float32) @ overlaps_f) > 0)
        decided = decided | newly_kept | suppressed
    return order[kept]


def roi_align(
    input: Tensor,
    boxes: Tensor,
    output_size: List[int],
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
) -> Tensor:
    """RoIAlign with average pooling, as torchvision's CPU kernel computes it.

    ``boxes`` is a ``[K, 5]`` tensor of (batch index, x1, y1, x2, y2). Sample points, clamping
    and the accumulation order of the four bilinear terms and of the samples within a bin
    follow the kernel, so the float32 results are identical.
    """
    if sampling_ratio <= 0:
        raise RuntimeError("pure roi_align supports a fixed sampling_ratio > 0 only")
    pooled_h = output_size[0]
    pooled_w = output_size[1]
    channels = input.size(1)
    height = input.size(2)
    width = input.size(3)
    k = boxes.size(0)
    dtype = input.dtype
    device = input.device
    scale = torch.tensor(spatial_scale, dtype=dtype, device=device)
    offset = torch.tensor(0.5 if aligned else 0.0, dtype=dtype, device=device)
    rois = boxes.to(dtype)
    start_w = rois[:, 1] * scale - offset
    start_h = rois[:, 2] * scale - offset
    roi_w = rois[:, 3] * scale - offset - start_w
    roi_h = rois[:, 4] * scale - offset - start_h
    if not aligned:
        roi_w = roi_w.clamp(min=1.0)
        roi_h = roi_h.clamp(min=1.0)
    bin_h = roi_h / float(pooled_h)
    bin_w = roi_w / float(pooled_w)
    grid = float(sampling_ratio)
    ph = torch.arange(pooled_h, dtype=dtype, device=device)
    pw = torch.arange(pooled_w, dtype=dtype, device=device)
    # channels last while gathering, so each sample reads a [K, PH, PW, C] block
    features = input.flatten(2).permute(0, 2, 1)
    batch = rois[:, 0].to(torch.long)[:, None, None]
    total = torch.zeros([k, pooled_h, pooled_w, channels], dtype=dtype, device=device)
    for iy in range(sampling_ratio):
        y = (start_h[:, None] + ph[None, :] * bin_h[:, None]) + ((iy + 0.5) * bin_h[:, None]) / grid
        for ix in range(sampling_ratio):
            x = (start_w[:, None] + pw[None, :] * bin_w[:, None]) + ((ix + 0.5) * bin_w[:, None]) / grid
            yy = y[:, :, None].expand(k, pooled_h, pooled_w)
            xx = x[:, None, :].expand(k, pooled_h, pooled_w)
            outside = (yy < -1.0) | (yy > float(height)) | (xx < -1.0) | (xx > float(width))
            yy = yy.clamp(min=0.0)
            xx = xx.clamp(min=0.0)
            y_low = yy.to(torch.long)
            x_low = xx.to(torch.long)
            y_edge = y_low >= height - 1
            x_edge = x_low >= width - 1
            y_low = torch.where(y_edge, torch.full_like(y_low, height - 1), y_low)
            x_low = torch.where(x_edge, torch.full_like(x_low, width - 1), x_low)
            y_high = torch.where(y_edge, y_low, y_low + 1)
            x_high = torch.where(x_edge, x_low, x_low + 1)
            yy = torch.where(y_edge, y_low.to(dtype), yy)
            xx = torch.where(x_edge, x_low.to(dtype), xx)
            ly = yy - y_low.to(dtype)
            lx = xx - x_low.to(dtype)
            hy = 1.0 - ly
            hx = 1.0 - lx
            zero = torch.zeros_like(ly)
            w1 = torch.where(outside, zero, hy * hx)[..., None]
            w2 = torch.where(outside, zero, hy * lx)[..., None]
            w3 = torch.where(outside, zero, ly * hx)[..., None]
            w4 = torch.where(outside, zero, ly * lx)[..., None]
            zero_pos = torch.zeros_like(y_low)
            row_low = torch.where(outside, zero_pos, y_low * width)
            row_high = torch.where(outside, zero_pos, y_high * width)
            x_low = torch.where(outside, zero_pos, x_low)
            x_high = torch.where(outside, zero_pos, x_high)
            v1 = features[batch, row_low + x_low]
            v2 = features[batch, row_low + x_high]
            v3 = features[batch, row_high + x_low]
            v4 = features[batch, row_high + x_high]
            total = total + (((w1 * v1 + w2 * v2) + w3 * v3) + w4 * v4)
    count = float(max(sampling_ratio * sampling_ratio, 1))
    return (total / count).permute(0, 3, 1, 2).contiguous()


def _linear_source(in_size: Tensor, out_size: Tensor, positions: Tensor):
    """Source indices and weights along one axis, as ATen's CPU bilinear kernel computes them.

    Sizes are 0-d int64 tensors and ``positions`` is ``arange(out_size)`` in float64, so that
    the same code scripts and traces (as ONNX Range, Cast and Gather) with dynamic sizes.
    """
    # the ratio is a float32 division, the source position stays in double until the weight is taken
    ratio = in_size.to(torch.float32) / out_size.to(torch.float32)
    source = ratio.to(torch.float64) * (positions + 0.5) - 0.5
    # where, not clamp: ONNX Runtime has no double Clip
    source = torch.where(source < 0.0, torch.zeros_like(source), source)
    low = source.to(torch.long)
    high = torch.where(low < in_size - 1, low + 1, low)
    weight_high = (source - low.to(torch.float64)).to(torch.float32)
    return low, high, 1.0 - weight_high, weight_high


def resize_bilinear(image: Tensor, out_h: int, out_w: int) -> Tensor:
    """``interpolate(mode="bilinear", align_corners=False)`` of a ``[C, H, W]`` float32 image.

    torch 1.13 and the libtorch DJL ships compute source positions and weights with different
    precision, which moves detections by up to a few hundredths of a pixel. This follows
    torch 1.13's CPU kernel (source positions in double, float32 weights, fused multiply-adds),
    against which the exporter's references are computed; ``test_pure_ops.py`` proves it.
    (A 1x1 input, which no detector is fed, can still differ in the last bit.)
    """
    return _resize_bilinear(image, torch.tensor(out_h), torch.tensor(out_w),
                            torch.arange(out_h, dtype=torch.float64), torch.arange(out_w, dtype=torch.float64))


def _resize_bilinear(image: Tensor, out_h: Tensor, out_w: Tensor, rows: Tensor, columns: Tensor) -> Tensor:
    shape = torch._shape_as_tensor(image)
    y0, y1, wy0, wy1 = _linear_source(shape[1], out_h, rows)
    x0, x1, wx0, wx1 = _linear_source(shape[2], out_w, columns)
    row0 = image.index_select(1, y0)
    row1 = image.index_select(1, y1)
    # the kernel interpolates along the width first, then blends the two rows, each time as
    # one fused multiply-add of the first term onto the rounded second
    top = _fma(row0.index_select(2, x0), wx0, row0.index_select(2, x1) * wx1)
    bottom = _fma(row1.index_select(2, x0), wx0, row1.index_select(2, x1) * wx1)
    return _fma(top, wy0[:, None], bottom * wy1[:, None])


def _fma(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    """float32 ``a * b + c`` with one rounding: the product is exact in double precision."""
    return (a.to(torch.float64) * b.to(torch.float64) + c.to(torch.float64)).to(torch.float32)


def resize_image_and_masks(
    image: Tensor,
    self_min_size: float,
    self_max_size: float,
    target: Optional[Dict[str, Tensor]] = None,
    fixed_size: Optional[Tuple[int, int]] = None,
) -> Tuple[Tensor, Optional[Dict[str, Tensor]]]:
    """torchvision's ``_resize_image_and_masks`` for inference, with :func:`resize_bilinear`."""
    if target is not None and "masks" in target:
        raise RuntimeError("the exported detectors take no masks")
    if fixed_size is not None:
        out_h = fixed_size[1]
        out_w = fixed_size[0]
    else:
        im_shape = torch.tensor(image.shape[-2:])
        min_size = torch.min(im_shape).to(dtype=torch.float32)
        max_size = torch.max(im_shape).to(dtype=torch.float32)
        scale = torch.min(self_min_size / min_size, self_max_size / max_size)
        scale_factor = scale.item()
        # as interpolate(recompute_scale_factor=True) does: the output size in double precision
        out_h = int(math.floor(float(image.size(-2)) * scale_factor))
        out_w = int(math.floor(float(image.size(-1)) * scale_factor))
    return resize_bilinear(image, out_h, out_w), target


def resize_image_and_masks_for_onnx(
    image: Tensor,
    self_min_size: float,
    self_max_size: float,
    target: Optional[Dict[str, Tensor]] = None,
    fixed_size: Optional[Tuple[int, int]] = None,
) -> Tuple[Tensor, Optional[Dict[str, Tensor]]]:
    """torchvision's ``_resize_image_and_masks`` for tracing to ONNX, resizing as :func:`resize_bilinear`.

    Traced, torchvision computes the output size in float32 where eager mode uses double (the
    two can differ by a row), and ONNX Runtime's Resize places its samples with float32
    arithmetic. Both move detections; the resize written in elementwise ops and gathers gives
    ONNX Runtime torchvision's own pixels.
    """
    if target is not None and "masks" in target:
        raise RuntimeError("the exported detectors take no masks")
    if fixed_size is not None:
        size = [fixed_size[1], fixed_size[0]]
        return torch.nn.functional.interpolate(image[None], size=size, mode="bilinear", align_corners=False)[0], target
    im_shape = torch._shape_as_tensor(image)[-2:]
    min_size = torch.min(im_shape).to(dtype=torch.float32)
    max_size = torch.max(im_shape).to(dtype=torch.float32)
    scale = torch.min(self_min_size / min_size, self_max_size / max_size)
    out = torch.floor(im_shape.to(torch.float64) * scale.to(torch.float64)).to(torch.int64)
    rows = torch.arange(out[0], dtype=torch.float64)
    columns = torch.arange(out[1], dtype=torch.float64)
    return _resize_bilinear(image, out[0], out[1], rows, columns), target
