package com.boxserve.service.evaluation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * COCO box evaluation as the reference evaluator computes it (cocoapi's {@code COCOeval} with
 * {@code iouType="bbox"} and its default parameters), step for step, so that its figures are the
 * ones users compare with published ones: per image and category the detections, by score (a
 * stable sort), greedily matched to the best-overlapping unmatched ground truth at each IoU
 * threshold from 0.50 to 0.95, crowd regions matched by intersection over the detection's area and
 * any number of times, ground truth outside an area range or crowd ignored; precision interpolated
 * at 101 recall points; the twelve summary figures and AP per category.
 */
public final class CocoEvaluator {

    /** A ground-truth object: a box [x, y, w, h], its area (as annotated, which may differ from the box's) and crowd flag. */
    public record Truth(long id, long imageId, long categoryId, double[] box, double area, boolean crowd) {
    }

    /** A detection in COCO results format; its area is its box's. */
    public record Detection(long imageId, long categoryId, double[] box, double score) {
    }

    /** The twelve figures, -1 where a figure has no ground truth, and AP per category (-1: none). */
    public record Result(Map<String, Double> stats, Map<Long, Double> perCategoryAp) {
    }

    static final String[] STATS = {"AP", "AP50", "AP75", "APsmall", "APmedium", "APlarge", "AR1", "AR10", "AR100",
        "ARsmall", "ARmedium", "ARlarge"};
    private static final double[] IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
    private static final double[] RECALL_THRESHOLDS = linspace(0.0, 1.0, 101);
    private static final int[] MAX_DETECTIONS = {1, 10, 100};
    private static final double[][] AREA_RANGES = {{0, 1e10}, {0, 32 * 32}, {32 * 32, 96 * 96}, {96 * 96, 1e10}};
    /** numpy's {@code np.spacing(1)}, which keeps precision defined before any detection. */
    private static final double SPACING = Math.ulp(1.0);

    private CocoEvaluator() {
    }

    /**
     * @param imageIds every image of the ground truth, with objects or not
     * @param categoryIds every category of the ground truth; detections of others are not counted
     */
    public static Result evaluate(List<Long> imageIds, List<Long> categoryIds, List<Truth> truths,
            List<Detection> detections) {
        List<Long> images = new ArrayList<>(new TreeSet<>(imageIds));
        List<Long> categories = new ArrayList<>(new TreeSet<>(categoryIds));
        Map<String, List<Truth>> truthByCell = new LinkedHashMap<>();
        truths.forEach(t -> truthByCell.computeIfAbsent(t.imageId() + "/" + t.categoryId(), c -> new ArrayList<>()).add(t));
        Map<String, List<Scored>> detectionsByCell = new LinkedHashMap<>();
        for (int i = 0; i < detections.size(); i++) {
            Detection d = detections.get(i);
            // loadRes numbers results from 1 in their order, and matches record these ids
            detectionsByCell.computeIfAbsent(d.imageId() + "/" + d.categoryId(), c -> new ArrayList<>())
                    .add(new Scored(i + 1, d.box(), d.box()[2] * d.box()[3], d.score()));
        }
        int images2 = images.size();
        int areas = AREA_RANGES.length;
        Cell[][][] cells = new Cell[categories.size()][areas][images2];
        for (int k = 0; k < categories.size(); k++) {
            for (int i = 0; i < images2; i++) {
                String key = images.get(i) + "/" + categories.get(k);
                List<Truth> gt = truthByCell.getOrDefault(key, List.of());
                List<Scored> dt = new ArrayList<>(detectionsByCell.getOrDefault(key, List.of()));
                dt.sort(Comparator.comparingDouble(Scored::negativeScore));
                if (dt.size() > MAX_DETECTIONS[2]) {
                    dt = new ArrayList<>(dt.subList(0, MAX_DETECTIONS[2]));
                }
                for (int a = 0; a < areas; a++) {
                    cells[k][a][i] = cell(gt, dt, AREA_RANGES[a]);
                }
            }
        }
        int thresholds = IOU_THRESHOLDS.length;
        double[][][][][] precision = new double[thresholds][RECALL_THRESHOLDS.length][categories.size()][areas]
                [MAX_DETECTIONS.length];
        double[][][][] recall = new double[thresholds][categories.size()][areas][MAX_DETECTIONS.length];
        for (int k = 0; k < categories.size(); k++) {
            for (int a = 0; a < areas; a++) {
                for (int m = 0; m < MAX_DETECTIONS.length; m++) {
                    accumulate(cells[k][a], MAX_DETECTIONS[m], precision, recall, k, a, m);
                }
            }
        }
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put("AP", mean(precision, -1, 0, 2, true, recall));
        stats.put("AP50", mean(precision, 0, 0, 2, true, recall));
        stats.put("AP75", mean(precision, 5, 0, 2, true, recall));
        stats.put("APsmall", mean(precision, -1, 1, 2, true, recall));
        stats.put("APmedium", mean(precision, -1, 2, 2, true, recall));
        stats.put("APlarge", mean(precision, -1, 3, 2, true, recall));
        stats.put("AR1", mean(precision, -1, 0, 0, false, recall));
        stats.put("AR10", mean(precision, -1, 0, 1, false, recall));
        stats.put("AR100", mean(precision, -1, 0, 2, false, recall));
        stats.put("ARsmall", mean(precision, -1, 1, 2, false, recall));
        stats.put("ARmedium", mean(precision, -1, 2, 2, false, recall));
        stats.put("ARlarge", mean(precision, -1, 3, 2, false, recall));
        Map<Long, Double> perCategory = new TreeMap<>();
        for (int k = 0; k < categories.size(); k++) {
            double sum = 0;
            int n = 0;
            for (double[][][][] t : precision) {
                for (double[][][] r : t) {
                    if (r[k][0][2] > -1) {
                        sum += r[k][0][2];
                        n++;
                    }
                }
            }
            perCategory.put(categories.get(k), n == 0 ? -1 : sum / n);
        }
        return new Result(stats, perCategory);
    }

    private record Scored(long id, double[] box, double area, double score) {
        double negativeScore() {
            return -score;
        }
    }

    /** One image, category and area range at up to 100 detections: COCOeval's evaluateImg. */
    private record Cell(double[] scores, long[][] matched, boolean[][] ignored, boolean[] truthIgnored) {
    }

    private static Cell cell(List<Truth> truths, List<Scored> dt, double[] range) {
        if (truths.isEmpty() && dt.isEmpty()) {
            return null;
        }
        // ground truth ignored here (crowd, or outside the area range) goes last, in its order
        List<Truth> gt = new ArrayList<>();
        truths.stream().filter(g -> !ignored(g, range)).forEach(gt::add);
        truths.stream().filter(g -> ignored(g, range)).forEach(gt::add);
        int t = IOU_THRESHOLDS.length;
        int g = gt.size();
        int d = dt.size();
        long[][] truthMatched = new long[t][g];
        long[][] detectionMatched = new long[t][d];
        boolean[][] detectionIgnored = new boolean[t][d];
        boolean[] truthIgnored = new boolean[g];
        for (int j = 0; j < g; j++) {
            truthIgnored[j] = ignored(gt.get(j), range);
        }
        for (int ti = 0; ti < t; ti++) {
            for (int di = 0; di < d; di++) {
                double best = Math.min(IOU_THRESHOLDS[ti], 1 - 1e-10);
                int match = -1;
                for (int gi = 0; gi < g; gi++) {
                    if (truthMatched[ti][gi] > 0 && !gt.get(gi).crowd()) {
                        continue;
                    }
                    // an unignored match is never traded for an ignored one
                    if (match > -1 && !truthIgnored[match] && truthIgnored[gi]) {
                        break;
                    }
                    double iou = iou(dt.get(di).box(), gt.get(gi).box(), gt.get(gi).crowd());
                    if (iou < best) {
                        continue;
                    }
                    best = iou;
                    match = gi;
                }
                if (match == -1) {
                    continue;
                }
                detectionIgnored[ti][di] = truthIgnored[match];
                detectionMatched[ti][di] = gt.get(match).id();
                truthMatched[ti][match] = dt.get(di).id();
            }
        }
        double[] scores = new double[d];
        for (int di = 0; di < d; di++) {
            scores[di] = dt.get(di).score();
            boolean outside = dt.get(di).area() < range[0] || dt.get(di).area() > range[1];
            for (int ti = 0; ti < t; ti++) {
                detectionIgnored[ti][di] |= detectionMatched[ti][di] == 0 && outside;
            }
        }
        return new Cell(scores, detectionMatched, detectionIgnored, truthIgnored);
    }

    private static boolean ignored(Truth truth, double[] range) {
        return truth.crowd() || truth.area() < range[0] || truth.area() > range[1];
    }

    /** maskUtils' box IoU: for a crowd region, the intersection over the detection's own area. */
    static double iou(double[] d, double[] g, boolean crowd) {
        double w = Math.min(d[0] + d[2], g[0] + g[2]) - Math.max(d[0], g[0]);
        double h = Math.min(d[1] + d[3], g[1] + g[3]) - Math.max(d[1], g[1]);
        if (w <= 0 || h <= 0) {
            return 0;
        }
        double intersection = w * h;
        double union = crowd ? d[2] * d[3] : d[2] * d[3] + g[2] * g[3] - intersection;
        return intersection / union;
    }

    /** COCOeval's accumulate for one category, area range and detection cap. */
    private static void accumulate(Cell[] images, int cap, double[][][][][] precision, double[][][][] recall, int k,
            int a, int m) {
        for (double[][][][] t : precision) {
            for (double[][][] r : t) {
                r[k][a][m] = -1;
            }
        }
        for (double[][][] t : recall) {
            t[k][a][m] = -1;
        }
        List<double[]> scored = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        int truths = 0;
        for (Cell cell : images) {
            if (cell == null) {
                continue;
            }
            cells.add(cell);
            for (boolean ignoredTruth : cell.truthIgnored()) {
                truths += ignoredTruth ? 0 : 1;
            }
        }
        if (cells.isEmpty() || truths == 0) {
            return;
        }
        // every image's first `cap` detections, by score across images (numpy's stable mergesort)
        for (int c = 0; c < cells.size(); c++) {
            double[] scores = cells.get(c).scores();
            for (int di = 0; di < Math.min(cap, scores.length); di++) {
                scored.add(new double[] {scores[di], c, di});
            }
        }
        scored.sort(Comparator.comparingDouble(s -> -s[0]));
        int n = scored.size();
        for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
            double[] rc = new double[n];
            double[] pr = new double[n];
            double tp = 0;
            double fp = 0;
            for (int i = 0; i < n; i++) {
                Cell cell = cells.get((int) scored.get(i)[1]);
                int di = (int) scored.get(i)[2];
                boolean ignoredDetection = cell.ignored()[t][di];
                boolean matched = cell.matched()[t][di] != 0;
                tp += matched && !ignoredDetection ? 1 : 0;
                fp += !matched && !ignoredDetection ? 1 : 0;
                rc[i] = tp / truths;
                pr[i] = tp / (fp + tp + SPACING);
            }
            recall[t][k][a][m] = n > 0 ? rc[n - 1] : 0;
            for (int i = n - 1; i > 0; i--) {
                if (pr[i] > pr[i - 1]) {
                    pr[i - 1] = pr[i];
                }
            }
            for (int r = 0; r < RECALL_THRESHOLDS.length; r++) {
                int at = searchLeft(rc, RECALL_THRESHOLDS[r]);
                // where recall never reaches the threshold, precision is 0 from there on
                precision[t][r][k][a][m] = at < n ? pr[at] : 0;
                if (at >= n) {
                    for (int rest = r + 1; rest < RECALL_THRESHOLDS.length; rest++) {
                        precision[t][rest][k][a][m] = 0;
                    }
                    break;
                }
            }
        }
    }

    /** numpy's searchsorted(side="left"): the first index whose value is at least {@code value}. */
    private static int searchLeft(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** COCOeval's _summarize: the mean of the figures that exist (> -1), or -1; threshold -1 is all ten. */
    private static double mean(double[][][][][] precision, int threshold, int area, int cap, boolean ap,
            double[][][][] recall) {
        double sum = 0;
        int n = 0;
        for (int t = 0; t < IOU_THRESHOLDS.length; t++) {
            if (threshold >= 0 && t != threshold) {
                continue;
            }
            if (ap) {
                for (double[][][] r : precision[t]) {
                    for (double[][] k : r) {
                        double value = k[area][cap];
                        if (value > -1) {
                            sum += value;
                            n++;
                        }
                    }
                }
            } else {
                for (double[][] k : recall[t]) {
                    double value = k[area][cap];
                    if (value > -1) {
                        sum += value;
                        n++;
                    }
                }
            }
        }
        return n == 0 ? -1 : sum / n;
    }

    /** numpy's linspace: start + i·step, the last value exactly the end. */
    private static double[] linspace(double start, double end, int count) {
        double step = (end - start) / (count - 1);
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = i * step + start;
        }
        values[count - 1] = end;
        return values;
    }
}
