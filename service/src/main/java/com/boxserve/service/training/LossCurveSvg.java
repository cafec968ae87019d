package com.boxserve.service.training;

import java.util.List;
import java.util.Locale;

/** The loss curve as a small SVG line chart: epochs across, loss up (log scale when it spans decades). */
final class LossCurveSvg {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int MARGIN = 56;

    private LossCurveSvg() {
    }

    static String render(String title, List<LinearRegressionResult.LossPoint> curve) {
        double maxEpoch = Math.max(1, curve.get(curve.size() - 1).epoch());
        double maxLoss = curve.stream().mapToDouble(LinearRegressionResult.LossPoint::loss).max().orElse(1);
        double minLoss = curve.stream().mapToDouble(LinearRegressionResult.LossPoint::loss).filter(l -> l > 0).min()
                .orElse(maxLoss);
        // a loss that falls over decades is drawn on a log scale, or the curve is one spike and a floor
        boolean logarithmic = minLoss > 0 && maxLoss / minLoss > 100;
        double top = logarithmic ? Math.log10(maxLoss) : Math.max(maxLoss, 1e-300);
        double bottom = logarithmic ? Math.log10(minLoss) : 0;
        StringBuilder points = new StringBuilder();
        for (LinearRegressionResult.LossPoint p : curve) {
            double value = logarithmic ? Math.log10(Math.max(p.loss(), minLoss)) : p.loss();
            double px = MARGIN + (WIDTH - 2 * MARGIN) * p.epoch() / maxEpoch;
            double py = HEIGHT - MARGIN - (HEIGHT - 2 * MARGIN) * (value - bottom) / Math.max(top - bottom, 1e-300);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        }
        String axis = logarithmic ? String.format(Locale.ROOT, "loss, log scale (%.3g to %.3g)", minLoss, maxLoss)
                : String.format(Locale.ROOT, "loss (0 to %.4g)", maxLoss);
        return String.format(Locale.ROOT, """
                <svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">
                  <title>%s</title>
                  <rect width="100%%" height="100%%" fill="white"/>
                  <line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>
                  <line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>
                  <text x="%d" y="%d" font-size="12" text-anchor="middle">epoch (0 to %d)</text>
                  <text x="14" y="%d" font-size="12" transform="rotate(-90 14 %d)" text-anchor="middle">%s</text>
                  <polyline fill="none" stroke="#1f77b4" stroke-width="2" points="%s"/>
                </svg>
                """, WIDTH, HEIGHT, WIDTH, HEIGHT, escape(title),
                MARGIN, HEIGHT - MARGIN, WIDTH - MARGIN, HEIGHT - MARGIN,
                MARGIN, MARGIN, MARGIN, HEIGHT - MARGIN,
                WIDTH / 2, HEIGHT - 18, (int) maxEpoch, HEIGHT / 2, HEIGHT / 2, axis, points.toString().trim());
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
