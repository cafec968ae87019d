"""The pure ops must equal torchvision's C++ kernels bit for bit, eager and scripted."""
import unittest

import torch
import torchvision

import pure_ops


def random_boxes(generator, n, size, spread):
    xy = torch.rand(n, 2, generator=generator) * size
    wh = torch.rand(n, 2, generator=generator) * spread
    return torch.cat([xy, xy + wh], dim=1)


class PureNmsTest(unittest.TestCase):
    def test_equals_cpp_kernel(self):
        scripted = torch.jit.script(pure_ops.nms)
        generator = torch.Generator().manual_seed(7)
        for n, threshold in [(0, 0.5), (1, 0.5), (50, 0.5), (1000, 0.7), (1000, 0.6), (400, 0.3),
                                 (256, 0.5), (257, 0.5), (5000, 0.5)]:
            boxes = random_boxes(generator, n, 200.0, 60.0)
            # coarse scores force ties, which only a stable sort orders like the kernel
            scores = torch.round(torch.rand(n, generator=generator) * 20) / 20
            expected = torchvision.ops.nms(boxes, scores, threshold)
            self.assertTrue(torch.equal(pure_ops.nms(boxes, scores, threshold), expected), (n, threshold))
            self.assertTrue(torch.equal(scripted(boxes, scores, threshold), expected), (n, threshold))

    def test_threshold_is_compared_like_a_double(self):
        # two boxes whose float32 IoU lies between float32(0.7) and 0.7 itself
        boxes = torch.tensor([[0.0, 0.0, 10.0, 10.0], [0.0, 0.0, 10.0, 7.0]])
        scores = torch.tensor([0.9, 0.8])
        for threshold in [0.7, 0.69999999, 0.70000001]:
            self.assertTrue(torch.equal(pure_ops.nms(boxes, scores, threshold),
                                        torchvision.ops.nms(boxes, scores, threshold)))


class PureRoiAlignTest(unittest.TestCase):
    def cases(self):
        """(features, rois, output size, scale) with boxes reaching past every edge, for the clamping branches."""
        generator = torch.Generator().manual_seed(11)
        for k, scale, size in [(0, 0.25, (7, 7)), (5, 1.0, (7, 7)), (300, 0.25, (7, 7)), (200, 0.0625, (14, 14))]:
            features = torch.randn(2, 16, 37, 53, generator=generator)
            image_w, image_h = 53 / scale, 37 / scale
            boxes = random_boxes(generator, k, max(image_w, image_h) * 1.1, image_w / 3) - image_w * 0.05
            batch = torch.randint(0, 2, (k, 1), generator=generator).to(torch.float32)
            yield features, torch.cat([batch, boxes], dim=1), list(size), scale

    def test_equals_cpp_kernel(self):
        scripted = torch.jit.script(pure_ops.roi_align)
        for features, rois, size, scale in self.cases():
            expected = torchvision.ops.roi_align(features, rois, size, scale, 2, False)
            self.assertTrue(torch.equal(pure_ops.roi_align(features, rois, size, scale, 2, False), expected), len(rois))
            self.assertTrue(torch.equal(scripted(features, rois, size, scale, 2, False), expected), len(rois))

    def test_summed_is_the_kernel_up_to_rounding(self):
        scripted = torch.jit.script(pure_ops.roi_align_summed)
        for features, rois, size, scale in self.cases():
            expected = torchvision.ops.roi_align(features, rois, size, scale, 2, False)
            for actual in (pure_ops.roi_align_summed(features, rois, size, scale, 2, False),
                           scripted(features, rois, size, scale, 2, False)):
                self.assertEqual(actual.shape, expected.shape)
                # a bin of four samples of unit-variance features: float32 rounding is below 1e-5
                torch.testing.assert_close(actual, expected, rtol=0, atol=1e-5)


class PureResizeTest(unittest.TestCase):
    def test_equals_aten_kernel(self):
        scripted = torch.jit.script(pure_ops.resize_bilinear)
        generator = torch.Generator().manual_seed(5)
        for (h, w), (out_h, out_w) in [((480, 640), (799, 1066)), ((600, 400), (800, 533)), ((37, 53), (37, 91)),
                                       ((300, 200), (150, 100)), ((7, 9), (800, 1333)),
                                       ((1, 640), (2, 1066))]:
            image = torch.rand(3, h, w, generator=generator)
            expected = torch.nn.functional.interpolate(image[None], size=[out_h, out_w], mode="bilinear",
                                                       align_corners=False)[0]
            self.assertTrue(torch.equal(pure_ops.resize_bilinear(image, out_h, out_w), expected), (h, w, out_h, out_w))
            self.assertTrue(torch.equal(scripted(image, out_h, out_w), expected), (h, w, out_h, out_w))

    def test_resize_like_torchvision(self):
        from torchvision.models.detection.transform import _resize_image_and_masks
        scripted = torch.jit.script(pure_ops.resize_image_and_masks)
        # ordinary photos, and the thinnest images each bound takes (one pixel high at the network)
        for (h, w), bounds in [((480, 640), (800.0, 1333.0)), ((600, 400), (800.0, 1333.0)), ((3000, 20), (800.0, 1333.0)),
                               ((2, 1), (800.0, 1333.0)), ((4, 4000), (800.0, 1333.0)), ((4000, 4), (800.0, 1333.0)),
                               ((7, 4000), (320.0, 640.0)), ((4000, 7), (320.0, 640.0))]:
            image = torch.rand(3, h, w)
            expected = _resize_image_and_masks(image, *bounds)[0]
            self.assertTrue(torch.equal(pure_ops.resize_image_and_masks(image, *bounds)[0], expected), (h, w))
            self.assertTrue(torch.equal(scripted(image, *bounds)[0], expected), (h, w))


class MergeLevelsTest(unittest.TestCase):
    def test_equals_torchvision_scatter(self):
        from torchvision.ops.poolers import _onnx_merge_levels
        generator = torch.Generator().manual_seed(13)
        for k in [0, 1, 37, 1000]:
            levels = torch.randint(0, 4, (k,), generator=generator)
            results = [torch.randn(int((levels == level).sum()), 8, 7, 7, generator=generator) for level in range(4)]
            self.assertTrue(torch.equal(pure_ops.merge_levels_for_onnx(levels, results),
                                        _onnx_merge_levels(levels, results)), k)


class AnchorsTest(unittest.TestCase):
    def generator_and_inputs(self):
        from torchvision.models.detection.anchor_utils import AnchorGenerator
        from torchvision.models.detection.image_list import ImageList
        generator = AnchorGenerator(((32,), (64,), (128,)), ((0.5, 1.0, 2.0),) * 3)
        images = ImageList(torch.zeros(2, 3, 320, 480), [(320, 480), (300, 470)])
        features = [torch.zeros(2, 8, 320 // s, 480 // s) for s in (8, 16, 32)]
        return generator, images, features

    def test_equals_torchvision(self):
        generator, images, features = self.generator_and_inputs()
        expected = generator(images, features)
        actual = pure_ops.anchors_forward(generator, images, features)
        self.assertEqual(len(actual), len(expected))
        for a, e in zip(actual, expected):
            self.assertTrue(torch.equal(a, e))

    def test_scripted_forward_leaves_the_module_alone(self):
        from torchvision.models.detection.anchor_utils import AnchorGenerator
        original = AnchorGenerator.forward
        try:
            # torchvision's own forward scripts to a prim::SetAttr of cell_anchors; TorchScript
            # caches a class once compiled, so that cannot be shown in this same process
            AnchorGenerator.forward = pure_ops.anchors_forward
            generator, images, features = self.generator_and_inputs()
            scripted = torch.jit.script(generator)
            self.assertNotIn("prim::SetAttr", str(scripted.inlined_graph))
            for a, e in zip(scripted(images, features), pure_ops.anchors_forward(generator, images, features)):
                self.assertTrue(torch.equal(a, e))
        finally:
            AnchorGenerator.forward = original


if __name__ == "__main__":
    unittest.main()
