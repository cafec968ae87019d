"""TorchScript replacements for torchvision's two C++ detection ops, the resize and the anchors.

DJL's stock libtorch has no ``torchvision::`` operators, so a scripted detector that still
calls ``torchvision::nms`` or ``torchvision::roi_align`` cannot be loaded from Java. These
replacements are plain tensor code that follows the float32 order of operations of
torchvision 0.14's CPU kernels, so that the exported graph returns bit-for-bit what
torchvision itself returns (``test_pure_ops.py`` checks this against the C++ kernels).

The bilinear resize is replaced for another reason: it is the one kernel of the detectors
whose float32 results differ between torch 1.13 and the newer libtorch DJL ships.
Elementwise tensor arithmetic is exact in both, so a resize written in it gives the same
input to the network on both sides.

The anchor generator's forward is replaced because it writes to its module, which concurrent
forwards share (see :func:`anchors_forward`).
"""
import inspect
import math
from typing import Dict, List, Optional, Tuple

import torch
from torch import Tensor
from torchvision.models.detection.image_list import ImageList


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
    IoU with a kept box exceeds the threshold. Here the walk goes a block of 256 boxes at
    a time: first the boxes already kept suppress what they overlap in the block, then the
    block is decided within itself in rounds (a box is kept once no earlier box of the block
    that is kept or still undecided overlaps it, suppressed once a kept one does; each round
    decides at least the first undecided box). IoUs are computed only between a block and the
    boxes kept before it, never as one n-by-n matrix, whose memory traffic dominated large inputs.
    """
    n = boxes.size(0)
    if n == 0:
        return torch.zeros([0], dtype=torch.long, device=boxes.device)
    order = torch.sort(scores, stable=True, descending=True)[1]
    sorted_boxes = boxes[order]
    areas = (sorted_boxes[:, 2] - sorted_boxes[:, 0]) * (sorted_boxes[:, 3] - sorted_boxes[:, 1])
    threshold = _float32_at_most(iou_threshold).to(boxes.device)
    kept = torch.zeros([0], dtype=torch.long, device=boxes.device)
    # large enough to keep the loop short, small enough that a block's IoU rows stay in cache
    block_size = 256
    for start in range(0, n, block_size):
        block = sorted_boxes[start:start + block_size]
        block_areas = areas[start:start + block_size]
        size = block.size(0)
        alive = torch.ones([size], dtype=torch.bool, device=boxes.device)
        if kept.numel() > 0:
            alive = ~(_iou(sorted_boxes[kept], areas[kept], block, block_areas) > threshold).any(0)
        # overlaps[j, i]: earlier box j of the block would suppress box i if j is kept
        overlaps = (_iou(block, block_areas, block, block_areas) > threshold).triu(1).to(torch.float32)
        block_kept = torch.zeros([size], dtype=torch.bool, device=boxes.device)
        decided = ~alive
        while not bool(decided.all()):
            undecided = ~decided
            blockers = (block_kept | undecided).to(torch.float32)
            newly_kept = undecided & ((blockers @ overlaps) == 0)
            block_kept = block_kept | newly_kept
            suppressed = undecided & ((block_kept.to(torch.float32) @ overlaps) > 0)
            decided = decided | newly_kept | suppressed
        kept = torch.cat([kept, torch.nonzero(block_kept).flatten() + start])
    return order[kept]


def _iou(a: Tensor, a_areas: Tensor, b: Tensor, b_areas: Tensor) -> Tensor:
    """IoU of every box of ``a`` (rows) with every box of ``b``, in the kernel's float32 order."""
    w = (torch.minimum(a[:, None, 2], b[None, :, 2]) - torch.maximum(a[:, None, 0], b[None, :, 0])).clamp(min=0)
    h = (torch.minimum(a[:, None, 3], b[None, :, 3]) - torch.maximum(a[:, None, 1], b[None, :, 1])).clamp(min=0)
    inter = w * h
    return inter / (a_areas[:, None] + b_areas[None, :] - inter)


def _sample_corners(
    input: Tensor,
    boxes: Tensor,
    output_size: List[int],
    spatial_scale: float,
    sampling_ratio: int,
    aligned: bool,
) -> Tuple[Tensor, Tensor, Tensor]:
    """The feature rows RoIAlign reads and the weights it gives them, as torchvision's CPU kernel computes them.

    Returns the features as one row per pixel (channels last), and for every sample of every bin
    the row of each of its four bilinear corners and that corner's weight (zero outside the map),
    both ``[samples, 4 corners, K, PH, PW]``.
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
    # channels last, one row per feature pixel: each bilinear corner of a sample is one row
    features = input.permute(0, 2, 3, 1).reshape(-1, channels)
    first_row = (rois[:, 0].to(torch.long) * (height * width))[:, None, None]
    corner_rows: List[Tensor] = []
    corner_weights: List[Tensor] = []
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
            corner_weights.append(torch.stack([torch.where(outside, zero, hy * hx), torch.where(outside, zero, hy * lx),
                                               torch.where(outside, zero, ly * hx), torch.where(outside, zero, ly * lx)]))
            zero_pos = torch.zeros_like(y_low)
            row_low = torch.where(outside, zero_pos, first_row + y_low * width)
            row_high = torch.where(outside, zero_pos, first_row + y_high * width)
            x_low = torch.where(outside, zero_pos, x_low)
            x_high = torch.where(outside, zero_pos, x_high)
            corner_rows.append(torch.stack([row_low + x_low, row_low + x_high, row_high + x_low, row_high + x_high]))
    # [samples, 4 corners, K, PH, PW]
    return features, torch.stack(corner_rows), torch.stack(corner_weights)


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
    features, rows, weights = _sample_corners(input, boxes, output_size, spatial_scale, sampling_ratio, aligned)
    weights = weights[..., None]
    channels = input.size(1)
    k = boxes.size(0)
    pooled_h = output_size[0]
    pooled_w = output_size[1]
    dtype = input.dtype
    device = input.device
    count = float(max(sampling_ratio * sampling_ratio, 1))
    # A few RoIs at a time, gathered into one reused buffer: fresh [4, K, PH, PW, C] tensors for a
    # thousand proposals cost more in page faults and memory traffic than the arithmetic on them.
    # On a GPU the cost is kernel launches, not cache: one chunk there.
    chunk = max(k, 1) if features.is_cuda else 32
    pooled = torch.zeros([k, pooled_h, pooled_w, channels], dtype=dtype, device=device)
    buffer = torch.empty([4 * min(chunk, k) * pooled_h * pooled_w, channels], dtype=dtype, device=device)
    for first in range(0, k, chunk):
        n = min(chunk, k - first)
        total = pooled[first:first + n]
        gathered = buffer[:4 * n * pooled_h * pooled_w]
        for sample in range(sampling_ratio * sampling_ratio):
            torch.index_select(features, 0, rows[sample, :, first:first + n].flatten(), out=gathered)
            corners = gathered.view(4, n, pooled_h, pooled_w, channels).mul_(weights[sample, :, first:first + n])
            # the kernel's rounding order: ((w1 v1 + w2 v2) + w3 v3) + w4 v4, then onto the bin's sum
            total.add_(corners[0].add_(corners[1]).add_(corners[2]).add_(corners[3]))
    return pooled.div_(count).permute(0, 3, 1, 2).contiguous()


def roi_align_summed(
    input: Tensor,
    boxes: Tensor,
    output_size: List[int],
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
) -> Tensor:
    """RoIAlign as one weighted sum of feature rows per bin, close to the kernel but not bit for bit.

    The same sample points, corners and weights as :func:`roi_align`, summed by ``embedding_bag``
    without materialising the corners: 1,000 RoIs on one level in 72 ms against 257 (torch 1.13,
    tried.md). The sum runs in another order (and fused), so results differ from the kernel's in the
    last bits; this is for the bf16 model, whose box head rounds its input to bf16 anyway, never for
    the exact fp32 export. The result is a channels-last view: the box head's flatten or
    convolution takes it as it is.
    """
    features, rows, weights = _sample_corners(input, boxes, output_size, spatial_scale, sampling_ratio, aligned)
    k = boxes.size(0)
    bins = k * output_size[0] * output_size[1]
    terms = rows.size(0) * 4
    # one bag per bin: its samples' corners, the average's division folded into the weights
    pooled = torch.nn.functional.embedding_bag(
        rows.permute(2, 3, 4, 0, 1).reshape(bins, terms), features, mode="sum",
        per_sample_weights=(weights / float(rows.size(0))).permute(2, 3, 4, 0, 1).reshape(bins, terms))
    return pooled.view(k, output_size[0], output_size[1], input.size(1)).permute(0, 3, 1, 2)


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
    # sample positions on the image's device: a CUDA image cannot be indexed by CPU positions
    return _resize_bilinear(image, torch.tensor(out_h), torch.tensor(out_w),
                            torch.arange(out_h, dtype=torch.float64, device=image.device),
                            torch.arange(out_w, dtype=torch.float64, device=image.device))


def _resize_bilinear(image: Tensor, out_h: Tensor, out_w: Tensor, rows: Tensor, columns: Tensor) -> Tensor:
    shape = torch._shape_as_tensor(image)
    y0, y1, wy0, wy1 = _linear_source(shape[1], out_h, rows)
    x0, x1, wx0, wx1 = _linear_source(shape[2], out_w, columns)
    # The kernel interpolates along the width first, then blends two rows, each time as one fused
    # multiply-add of the first term onto the rounded second. A row's width pass does not depend
    # on the output row, so it runs once per input row; the output rows then copy whole rows of it.
    # (indexing gathers along the last dimension several times faster than index_select does)
    across = _fma(image[:, :, x0], wx0, image[:, :, x1] * wx1)
    return _fma(across.index_select(1, y0), wy0[:, None], across.index_select(1, y1) * wy1[:, None])


def _fma(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    """float32 ``a * b + c`` with one rounding: the product is exact in double precision."""
    # mixed float32/float64 operands are promoted element by element, with no double copy of a or c
    return (a * b.to(torch.float64)).add_(c).to(torch.float32)


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


def resize_image_and_masks_int_sizes(
    image: Tensor,
    self_min_size: int,
    self_max_size: int,
    target: Optional[Dict[str, Tensor]] = None,
    fixed_size: Optional[Tuple[int, int]] = None,
) -> Tuple[Tensor, Optional[Dict[str, Tensor]]]:
    """:func:`resize_image_and_masks` for torchvision releases that pass the sizes as ints (0.26 does)."""
    return resize_image_and_masks(image, float(self_min_size), float(self_max_size), target, fixed_size)


def resize_image_and_masks_like(original):
    """The replacement whose signature scripts where ``original`` (the installed torchvision's) is called."""
    annotation = inspect.signature(original).parameters["self_min_size"].annotation
    return resize_image_and_masks_int_sizes if annotation in (int, "int") else resize_image_and_masks


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


def merge_levels_for_onnx(levels: Tensor, unmerged_results: List[Tensor]) -> Tensor:
    """torchvision's ``_onnx_merge_levels`` (RoIAlign results per pyramid level back in RoI order), as a gather.

    torchvision scatters each level's results into a zero tensor with an index expanded to every
    element, a ScatterElements over K x C x 7 x 7 values that took a third of a Faster R-CNN
    forward in ONNX Runtime. The same rows in the same order come from concatenating the levels
    and gathering whole rows by the inverse permutation (a scatter of K indices only).
    """
    order = torch.cat([torch.where(levels == level)[0] for level in range(len(unmerged_results))])
    inverse = torch.zeros_like(order).scatter(0, order, torch.arange(order.size(0), device=order.device))
    return torch.cat(unmerged_results).index_select(0, inverse)



def anchors_forward(self, image_list: ImageList, feature_maps: List[Tensor]) -> List[Tensor]:
    """torchvision's ``AnchorGenerator.forward`` without writing to its module.

    torchvision moves the cell anchors to the feature maps' device and dtype by assigning
    ``self.cell_anchors`` on every forward. Scripted, that is a ``prim::SetAttr`` on a module that
    DJL's predictors share: two forwards at once (two workers) race on the list, and one fails
    now and then with "Anchors should be Tuple[Tuple[int]]" (seen here once in about 250
    forwards). This forward converts them into a local list instead, so the module is only read.
    """
    grid_sizes = [feature_map.shape[-2:] for feature_map in feature_maps]
    image_size = image_list.tensors.shape[-2:]
    dtype, device = feature_maps[0].dtype, feature_maps[0].device
    strides = [
        [
            torch.empty((), dtype=torch.int64, device=device).fill_(image_size[0] // g[0]),
            torch.empty((), dtype=torch.int64, device=device).fill_(image_size[1] // g[1]),
        ]
        for g in grid_sizes
    ]
    cell_anchors = [cell_anchor.to(dtype=dtype, device=device) for cell_anchor in self.cell_anchors]
    anchors_over_all_feature_maps = _grid_anchors(grid_sizes, strides, cell_anchors)
    anchors: List[List[Tensor]] = []
    for _ in range(len(image_list.image_sizes)):
        anchors.append([anchors_per_feature_map for anchors_per_feature_map in anchors_over_all_feature_maps])
    return [torch.cat(anchors_per_image) for anchors_per_image in anchors]


def _grid_anchors(grid_sizes: List[List[int]], strides: List[List[Tensor]], cell_anchors: List[Tensor]) -> List[Tensor]:
    """torchvision's ``AnchorGenerator.grid_anchors`` on the given cell anchors instead of the module's."""
    torch._assert(len(grid_sizes) == len(strides) == len(cell_anchors),
                  "one grid size, stride and set of cell anchors per feature map")
    anchors = []
    for size, stride, base_anchors in zip(grid_sizes, strides, cell_anchors):
        grid_height, grid_width = size
        stride_height, stride_width = stride
        device = base_anchors.device
        shifts_x = torch.arange(0, grid_width, dtype=torch.int32, device=device) * stride_width
        shifts_y = torch.arange(0, grid_height, dtype=torch.int32, device=device) * stride_height
        shift_y, shift_x = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
        shift_x = shift_x.reshape(-1)
        shift_y = shift_y.reshape(-1)
        shifts = torch.stack((shift_x, shift_y, shift_x, shift_y), dim=1)
        anchors.append((shifts.view(-1, 1, 4) + base_anchors.view(1, -1, 4)).reshape(-1, 4))
    return anchors
