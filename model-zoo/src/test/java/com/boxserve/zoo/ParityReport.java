package com.boxserve.zoo;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches detections to reference detections: same label and IoU ≥ 0.999, or, for boxes clipped
 * to zero area (where IoU means nothing), every coordinate within 0.05 px. Rows of near-equal
 * score may swap places, so matching is by content, not by index.
 */
record ParityReport(int matched, int total, double maxBoxDifference, double maxScoreDifference,
        List<String> unexplainedMisses) {

    static final double MIN_IOU = 0.999;
    static final double ZERO_AREA_TOLERANCE = 0.05;
    /** Two scores this close are a tie that float rounding in another engine may break either way. */
    static final double NEAR_TIE = 1e-4;

    /**
     * Compares detections with the reference. A reference detection left unmatched is explained
     * when it is a near-tie the other engine may break the other way: a score within
     * {@link #NEAR_TIE} of the score threshold or of the lowest score at the detection cap, or a
     * same-label overlapping box of near-equal score on the other side (NMS kept the other one).
     */
    static ParityReport compare(List<Detection> expected, List<Detection> actual, int cap, float threshold) {
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
            boolean atCap = expected.size() == cap && Math.abs(miss.score() - lowestReference) < NEAR_TIE;
            boolean atThreshold = Math.abs(miss.score() - threshold) < NEAR_TIE;
            boolean nmsTie = extra.stream().anyMatch(e -> e.categoryId() == miss.categoryId()
                    && e.box().iou(miss.box()) > 0 && Math.abs(e.score() - miss.score()) < NEAR_TIE);
            if (!atCap && !atThreshold && !nmsTie) {
                unexplained.add(miss.toString());
            }
        }
        return new ParityReport(matched, expected.size(), maxBox, maxScore, unexplained);
    }

    private static boolean sameBox(Box want, Box got) {
        if (want.area() == 0 || got.area() == 0) {
            return want.maxCoordinateDifference(got) <= ZERO_AREA_TOLERANCE;
        }
        return want.iou(got) >= MIN_IOU;
    }

    @Override
    public String toString() {
        return String.format("matched %d/%d, max box diff %.5f px, max score diff %.2e%s", matched, total,
                maxBoxDifference, maxScoreDifference, unexplainedMisses.isEmpty() ? "" : ", unexplained " + unexplainedMisses);
    }
}
