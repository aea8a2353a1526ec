package io.kabuto.scenario.report;

import java.util.List;
import java.util.Locale;

/** Inline SVG charts over the run's seconds, with the faults drawn as bands (no scripts, no network). */
final class Svg {
  static final int W = 960;
  static final int LEFT = 60;
  static final int RIGHT = 10;

  /** A fault drawn on every chart: from {@code from} to {@code to} seconds. */
  record Band(double from, double to, String label) {}

  private Svg() {}

  static double x(double second, int seconds) {
    return LEFT + (W - LEFT - RIGHT) * second / Math.max(1, seconds);
  }

  /** Lines of the series (same length), y from 0 to the largest value, with fault bands. */
  static String lines(String title, String unit, int seconds, List<Band> bands, List<String> names,
      List<String> colors, List<double[]> series, int height) {
    double max = 1;
    for (double[] s : series) {
      max = Math.max(max, Timeline.max(s));
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg viewBox='0 0 %d %d' width='%d' height='%d' role='img'>", W, height + 30, W, height + 30));
    bands(b, bands, seconds, height);
    b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#888'/>", LEFT, height, W - RIGHT, height));
    b.append(String.format(Locale.ROOT, "<text x='4' y='12' font-size='11'>%s</text>", Html.esc(fmt(max) + " " + unit)));
    b.append(String.format(Locale.ROOT, "<text x='4' y='%d' font-size='11'>0</text>", height));
    for (int i = 0; i < series.size(); i++) {
      double[] s = series.get(i);
      StringBuilder pts = new StringBuilder();
      for (int k = 0; k < s.length; k++) {
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(k + 0.5, seconds), height - (height - 16) * s[k] / max));
      }
      b.append("<polyline fill='none' stroke-width='1.5' stroke='").append(colors.get(i)).append("' points='")
          .append(pts).append("'/>");
      b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' fill='%s'>%s</text>",
          LEFT + 10 + 140 * i, height + 24, colors.get(i), Html.esc(names.get(i))));
    }
    b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' font-size='11' text-anchor='end'>%s (%d s of wall time)</text>",
        W - RIGHT, height + 24, Html.esc(title), seconds));
    return b.append("</svg>").toString();
  }

  /** One strip per row: a colored cell per second. */
  static String strips(int seconds, List<Band> bands, List<String> rows, List<int[]> states, String[] colors) {
    int rowH = 16;
    int height = rows.size() * (rowH + 4);
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg viewBox='0 0 %d %d' width='%d' height='%d' role='img'>", W, height + 4, W, height + 4));
    bands(b, bands, seconds, height);
    double cell = (double) (W - LEFT - RIGHT) / Math.max(1, seconds);
    for (int r = 0; r < rows.size(); r++) {
      int y = r * (rowH + 4) + 2;
      b.append(String.format(Locale.ROOT, "<text x='4' y='%d' font-size='11'>%s</text>", y + 12, Html.esc(rows.get(r))));
      int[] st = states.get(r);
      for (int k = 0; k < st.length; k++) {
        b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.2f' height='%d' fill='%s'/>",
            x(k, seconds), y, Math.max(0.5, cell), rowH, colors[st[k]]));
      }
    }
    return b.append("</svg>").toString();
  }

  private static void bands(StringBuilder b, List<Band> bands, int seconds, int height) {
    for (Band band : bands) {
      double x1 = x(band.from(), seconds);
      double x2 = Math.max(x1 + 2, x(band.to(), seconds));
      b.append(String.format(Locale.ROOT, "<rect x='%.1f' y='0' width='%.1f' height='%d' fill='#f5a623' opacity='0.25'>"
          + "<title>%s</title></rect>", x1, x2 - x1, height, Html.esc(band.label())));
    }
  }

  static String fmt(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
