import json
import os
import unittest

import resize_cases

COMMITTED = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "torchvision-resize-cases.json")


class ResizeCasesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.cases = resize_cases.cases()

    def test_the_committed_cases_are_what_this_torchvision_does(self):
        with open(COMMITTED) as f:
            self.assertEqual(json.load(f), self.cases)

    def test_the_cases_include_images_torchvision_refuses_and_takes_at_the_edge(self):
        cases = self.cases
        refused = [c for c in cases if c["network"] is None]
        self.assertTrue(refused)
        # a 4000x2 photo fails in torchvision for both bounds; 4000x4 only for the 320 model
        self.assertIn({"minSize": 320, "maxSize": 640, "width": 4000, "height": 2, "network": None}, cases)
        self.assertIn({"minSize": 800, "maxSize": 1333, "width": 4000, "height": 4, "network": [1333, 1]}, cases)


if __name__ == "__main__":
    unittest.main()
