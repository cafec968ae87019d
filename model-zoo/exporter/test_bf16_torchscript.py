"""bf16_torchscript.py's conversion scripts for each family's heads, and its map comparison matches Java's."""
import copy
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bf16_torchscript  # noqa: E402
import export_detectors as exporter  # noqa: E402


def kernels(module):
    """The weights of the module's convolutions wider than 1 x 1, whose layout shows in their strides."""
    return [p for p in module.parameters() if p.dim() == 4 and p.shape[-1] > 1]


def maps(output):
    """A backbone's feature maps, or a head's one output, as a list."""
    return list(output.values()) if isinstance(output, dict) else [output]


def frozen(model):
    """The model with each batch norm replaced by torchvision's frozen one, as official weights build it."""
    import torchvision
    for parent in list(model.modules()):
        for name, norm in list(parent._modules.items()):
            if isinstance(norm, torch.nn.BatchNorm2d):
                replacement = torchvision.ops.FrozenBatchNorm2d(norm.num_features, norm.eps)
                replacement.load_state_dict(norm.state_dict(), strict=False)
                setattr(parent, name, replacement)
    return model


class Bf16TorchscriptTest(unittest.TestCase):
    def test_each_family_scripts_in_bf16_with_boxes_predictor_and_roi_align_in_fp32(self):
        # one of each head: Faster R-CNN's convolutional box head (v2), RetinaNet's GroupNorm towers
        # (v2), FCOS's centerness output; the 320 MobileNet's plain box head runs in Bf16ExportTest
        for name in ("fasterrcnn_resnet50_fpn_v2", "retinanet_resnet50_fpn_v2", "fcos_resnet50_fpn"):
            with self.subTest(name):
                torch.manual_seed(0)
                model = exporter.build_with(name, None).eval()
                model.transform.min_size, model.transform.max_size = (160,), 160  # a small forward
                bf16 = bf16_torchscript.to_bf16(model)
                self.assertEqual(torch.bfloat16, next(bf16.backbone.parameters()).dtype)
                head = bf16.roi_heads.box_head if hasattr(bf16, "roi_heads") else bf16.head
                self.assertTrue(all(p.is_contiguous(memory_format=torch.channels_last)
                                    for p in kernels(bf16.backbone) + kernels(head)),
                                "oneDNN's bf16 convolutions run channels-last without a reorder each")
                self.assertTrue(all(p.is_contiguous() for p in kernels(bf16_torchscript.to_bf16(model, False))),
                                "the layout for a libtorch that fails the channels-last model")
                self.assertEqual({torch.bfloat16}, {p.dtype for p in head.parameters()})
                if hasattr(bf16, "roi_heads"):
                    self.assertEqual(torch.float32, next(bf16.roi_heads.box_predictor.parameters()).dtype)
                self.assertEqual(torch.float32, next(model.backbone.parameters()).dtype, "the fp32 model is kept")
                scripted = bf16_torchscript.script(bf16, name)
                if hasattr(bf16, "roi_heads"):
                    self.assertIn("aten::embedding_bag", str(scripted.inlined_graph), "RoIAlign summed, not exact")
                with torch.no_grad():
                    boxes, scores, labels = scripted(torch.rand(3, 120, 160))
                self.assertEqual((torch.float32, torch.float32, torch.int64), (boxes.dtype, scores.dtype, labels.dtype))
                self.assertEqual(len(scores), len(boxes))

    def test_batch_norms_fold_into_their_convolutions_exactly(self):
        # ResNet blocks and stems, v2's convolutional box head, MobileNet's depthwise blocks; trainable
        # norms as random weights build them, frozen ones as official weights do
        for name, freeze in (("fasterrcnn_resnet50_fpn_v2", False), ("fcos_resnet50_fpn", True),
                             ("fasterrcnn_mobilenet_v3_large_320_fpn", True)):
            with self.subTest(name):
                torch.manual_seed(0)
                model = exporter.build_with(name, None).eval()
                if freeze:
                    frozen(model)
                for norm in model.modules():  # every term far from the identity, so a wrong fold shows
                    if hasattr(norm, "running_var"):
                        for statistic, low, high in (("running_mean", -1, 1), ("running_var", 0.5, 2),
                                                     ("weight", 0.5, 2), ("bias", -1, 1)):
                            getattr(norm, statistic).data.uniform_(low, high)
                folded = copy.deepcopy(model)
                bf16_torchscript.fold_batch_norms(folded)
                norms = [m for m in folded.modules() if hasattr(m, "running_var")]
                self.assertEqual([], norms, "every batch norm of these models follows a convolution")
                outputs = [(model.backbone, folded.backbone, torch.rand(1, 3, 128, 160))]
                if hasattr(model, "roi_heads"):
                    outputs.append((model.roi_heads.box_head, folded.roi_heads.box_head, torch.rand(2, 256, 7, 7)))
                with torch.no_grad():
                    for one, other, x in outputs:
                        for expected, actual in zip(maps(one(x)), maps(other(x))):
                            # float rounding in another order: relative to the map's own scale
                            torch.testing.assert_close(actual, expected, rtol=1e-3,
                                                       atol=1e-4 * float(expected.abs().max()))

    def test_a_1x1_convolution_as_a_matrix_product_gives_the_convolution_channels_last(self):
        torch.manual_seed(0)
        x = torch.randn(1, 16, 9, 11).contiguous(memory_format=torch.channels_last)
        for stride in (1, 2):
            with self.subTest(stride=stride):
                conv = torch.nn.Conv2d(16, 24, 1, stride=stride)
                product = torch.jit.script(bf16_torchscript.PointwiseAsMatmul(conv))
                with torch.no_grad():
                    expected, actual = conv(x), product(x)
                torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)
                self.assertTrue(actual.is_contiguous(memory_format=torch.channels_last))

    def test_the_matmul_layout_leaves_no_1x1_convolution_and_detects(self):
        torch.manual_seed(0)
        model = exporter.build_with("fasterrcnn_resnet50_fpn", None).eval()
        model.transform.min_size, model.transform.max_size = (160,), 160
        bf16 = bf16_torchscript.to_bf16(model, matmul=True)
        pointwise = [m for m in bf16.modules() if isinstance(m, torch.nn.Conv2d) and m.kernel_size == (1, 1)]
        self.assertEqual([], pointwise, "each 1x1 convolution a matrix product, the RPN head's outputs too")
        self.assertGreater(sum(isinstance(m, bf16_torchscript.PointwiseAsMatmul) for m in bf16.modules()), 30)
        plain = bf16_torchscript.to_bf16(model)
        image = torch.rand(3, 120, 160)
        with torch.no_grad():
            features = bf16.backbone(image[None]), plain.backbone(image[None])
            (boxes, scores, labels) = bf16_torchscript.script(bf16, "fasterrcnn_resnet50_fpn")(image)
        for name in features[0]:  # the same bf16 arithmetic, summed in another order
            self.assertGreater(bf16_torchscript.compare_maps(features[0][name].flatten(), features[1][name].flatten())[0], 0.999, name)
        self.assertEqual(len(scores), len(boxes))

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
