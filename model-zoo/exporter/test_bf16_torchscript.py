"""bf16_torchscript.py's conversion scripts for each family's heads, and its map comparison matches Java's."""
import copy
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bf16_torchscript  # noqa: E402
import export_detectors as exporter  # noqa: E402


def kernels(model):
    """The weights of the backbone's convolutions wider than 1 x 1, whose layout shows in their strides."""
    return [p for p in model.backbone.parameters() if p.dim() == 4 and p.shape[-1] > 1]


class Bf16TorchscriptTest(unittest.TestCase):
    def test_each_family_scripts_in_bf16_with_boxes_and_predictor_in_fp32(self):
        # one of each head: Faster R-CNN's convolutional box head (v2), RetinaNet's GroupNorm towers
        # (v2), FCOS's centerness output; the 320 MobileNet's plain box head runs in Bf16ExportTest
        for name in ("fasterrcnn_resnet50_fpn_v2", "retinanet_resnet50_fpn_v2", "fcos_resnet50_fpn"):
            with self.subTest(name):
                torch.manual_seed(0)
                model = exporter.build_with(name, None).eval()
                model.transform.min_size, model.transform.max_size = (160,), 160  # a small forward
                bf16 = bf16_torchscript.to_bf16(model)
                self.assertEqual(torch.bfloat16, next(bf16.backbone.parameters()).dtype)
                self.assertTrue(all(p.is_contiguous(memory_format=torch.channels_last) for p in kernels(bf16)),
                                "oneDNN's bf16 convolutions run channels-last without a reorder each")
                self.assertTrue(all(p.is_contiguous() for p in kernels(bf16_torchscript.to_bf16(model, False))),
                                "the layout for a libtorch that fails the channels-last model")
                head = bf16.roi_heads.box_head if hasattr(bf16, "roi_heads") else bf16.head
                self.assertEqual({torch.bfloat16}, {p.dtype for p in head.parameters()})
                if hasattr(bf16, "roi_heads"):
                    self.assertEqual(torch.float32, next(bf16.roi_heads.box_predictor.parameters()).dtype)
                self.assertEqual(torch.float32, next(model.backbone.parameters()).dtype, "the fp32 model is kept")
                scripted = exporter.script_without_torchvision_ops(bf16, name)
                with torch.no_grad():
                    boxes, scores, labels = scripted(torch.rand(3, 120, 160))
                self.assertEqual((torch.float32, torch.float32, torch.int64), (boxes.dtype, scores.dtype, labels.dtype))
                self.assertEqual(len(scores), len(boxes))

    def test_batch_norms_fold_into_their_convolutions_exactly(self):
        for name in ("fasterrcnn_resnet50_fpn_v2", "fcos_resnet50_fpn"):
            with self.subTest(name):
                torch.manual_seed(0)
                model = exporter.build_with(name, None).eval()
                for norm in model.modules():  # statistics far from the identity, so a wrong fold shows
                    if hasattr(norm, "running_var"):
                        norm.running_mean.uniform_(-1, 1)
                        norm.running_var.uniform_(0.5, 2)
                folded = copy.deepcopy(model)
                bf16_torchscript.fold_batch_norms(folded)
                norms = [m for m in folded.modules() if hasattr(m, "running_var")]
                self.assertEqual([], norms, "every batch norm of these models follows a convolution")
                batch = torch.rand(1, 3, 128, 160)
                with torch.no_grad():
                    for x, y in zip(model.backbone(batch).values(), folded.backbone(batch).values()):
                        # float rounding in another order: relative to the map's own scale
                        torch.testing.assert_close(y, x, rtol=1e-3, atol=1e-4 * float(x.abs().max()))

    def test_maps_compare_as_the_java_agreement_does(self):
        x = torch.tensor([1.0, 2.0, 2.0], dtype=torch.float64)
        self.assertEqual((1.0, 0.0), bf16_torchscript.compare_maps(x, x.clone()))
        cosine, error = bf16_torchscript.compare_maps(x, -x)
        self.assertAlmostEqual(-1.0, cosine)
        self.assertAlmostEqual(2.0, error)
        zero = torch.zeros(3, dtype=torch.float64)
        self.assertEqual((0.0, 1.0), bf16_torchscript.compare_maps(x, zero), "a map gone to zeros counts")
        self.assertEqual((1.0, 0.0), bf16_torchscript.compare_maps(zero, zero.clone()))


if __name__ == "__main__":
    unittest.main()
