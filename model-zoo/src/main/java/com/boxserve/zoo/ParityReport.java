package com.boxserve.zoo;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches detections to reference detections: same label and IoU ≥ 0.999, or, for boxes clipped
 * to zero or near-zero area (where IoU means nothing), every coordinate within 0.05 px. Rows of
 * near-equal score may swap places, so matching is by content, not by index.
 */
public record ParityReport(int matched, int total, int extra, double maxBoxDifference, double maxScoreDifference,
        List<String> unexplained) {

    /** The parity rules: matched boxes within 0.1 px and scores within 1e-4, 98 % matched, the rest near-ties. */
    public static final double MAX_BOX_DIFFERENCE = 0.1;
    public static final double MAX_SCORE_DIFFERENCE = 1e-4;
    public static final double MIN_MATCHED_SHARE = 0.98;

    static final double MIN_IOU = 0.999;
    static final double ZERO_AREA_TOLERANCE = 0.05;
    /** Two scores this close are a tie that float rounding in another engine may break either way. */
    static final double NEAR_TIE = 1e-4;
    /** Two boxes whose IoU is this close to NMS's threshold are a tie for NMS. */
    static final double NEAR_IOU = 1e-3;

    /** Compares detections with the reference; a detection on one side only must be a near-tie. */
    public static ParityReport compare(List<Detection> expected, List<Detection> actual, int cap, float threshold,
            float nmsThreshold) {
        boolean[] used = new boolean[actual.size()];
        List<Detection> missed = new ArrayList<>();
        double maxBox = 0;
        double maxScore = 0;
        int matched = 0;
        for (Detection want : expected) {
            int best = -1;
            double bestIou = -1;
            for (int i = 0; i < actual.size(); i++) {
                Detection got = actual.get(i);
                if (used[i] || got.categoryId() != want.categoryId() || !sameBox(want.box(), got.box())) {
                    continue;
                }
                double iou = want.box().iou(got.box());
                if (iou > bestIou) {
                    best = i;
                    bestIou = iou;
                }
            }
            if (best < 0) {
                missed.add(want);
                continue;
            }
            used[best] = true;
            matched++;
            maxBox = Math.max(maxBox, want.box().maxCoordinateDifference(actual.get(best).box()));
            maxScore = Math.max(maxScore, Math.abs(want.score() - actual.get(best).score()));
        }
        List<Detection> extra = new ArrayList<>();
        for (int i = 0; i < actual.size(); i++) {
            if (!used[i]) {
                extra.add(actual.get(i));
            }
        }
        List<String> unexplained = new ArrayList<>();
        float lowestReference = expected.isEmpty() ? 0 : expected.get(expected.size() - 1).score();
        for (Detection miss : missed) {
            if (!nearTie(miss, extra, expected.size() == cap, lowestReference, threshold, nmsThreshold)) {
                unexplained.add("missing " + miss);
            }
        }
        for (Detection more : extra) {
            if (!nearTie(more, expected, actual.size() == cap, lowestReference, threshold, nmsThreshold)) {
                unexplained.add("extra " + more);
            }
        }
        return new ParityReport(matched, expected.size(), extra.size(), maxBox, maxScore, unexplained);
    }

    /**
     * Whether a detection found on one side only is a decision between near-equals that float
     * rounding in another engine may take the other way: its score within {@link #NEAR_TIE} of
     * the threshold or of the cut at the cap, or NMS choosing between it and a same-label box on
     * the other side on a near-equal score or an IoU within {@link #NEAR_IOU} of NMS's threshold.
     */
    private static boolean nearTie(Detection lone, List<Detection> otherSide, boolean atCap, float lowestAtCap,
            float threshold, float nmsThreshold) {
        if (Math.abs(lone.score() - threshold) < NEAR_TIE || (atCap && Math.abs(lone.score() - lowestAtCap) < NEAR_TIE)) {
            return true;
        }
        return otherSide.stream().filter(o -> o.categoryId() == lone.categoryId()).anyMatch(o -> {
            double iou = o.box().iou(lone.box());
            return (iou > 0 && Math.abs(o.score() - lone.score()) < NEAR_TIE) || Math.abs(iou - nmsThreshold) < NEAR_IOU;
        });
    }

    /**
     * IoU ≥ 0.999, or every coordinate within 0.05 px: boxes clipped to (nearly) zero area at
     * the image's edge, a fraction of a pixel across, miss the IoU bound by a thousandth of a
     * pixel, and their coordinates are the only comparison that means anything.
     */
    private static boolean sameBox(Box want, Box got) {
        return want.iou(got) >= MIN_IOU || want.maxCoordinateDifference(got) <= ZERO_AREA_TOLERANCE;
    }

    /** Whether the two sides agree as the parity tests require of ONNX Runtime against torchvision. */
    public boolean withinParityRules() {
        return maxBoxDifference <= MAX_BOX_DIFFERENCE && maxScoreDifference <= MAX_SCORE_DIFFERENCE && unexplained.isEmpty()
                && matched >= Math.ceil(MIN_MATCHED_SHARE * total);
    }

    @Override
    public String toString() {
        return String.format("matched %d/%d, %d extra, max box diff %.5f px, max score diff %.2e%s", matched, total,
                extra, maxBoxDifference, maxScoreDifference, unexplained.isEmpty() ? "" : ", unexplained " + unexplained);
    }
}
