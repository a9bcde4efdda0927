package org.visualbackprop.drive;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The picture of one frame of a drive: a header line, the camera frame, one panel per explanation method (each
 * titled with its measured cost in ms per frame), and a strip at the bottom with the steering gauge and the trace
 * of the predicted against the true steering angle over the last frames.
 *
 * <p>Panels are stacked, each as wide as the network's input (enlarged by a whole factor to at least 480 pixels):
 * the 640 x 125 road frames are much wider than tall, so stacking keeps the video narrow. The canvas is a multiple
 * of 16 pixels each way (whole H.264 macroblocks).
 *
 * <p>Steering angles follow the labels' sign (positive steers left). On the gauge and the trace, left is left:
 * the gauge's marker for {@code a} degrees is at {@code x = centre - a / range * half}, and the trace draws positive
 * angles above its zero line. The true angle is drawn in {@link #TRUE_COLOR}, the prediction in
 * {@link #PREDICTED_COLOR}; values beyond the range are clamped to its end.
 *
 * <p>Not thread-safe: it keeps the trace's history. Markers and traces are drawn without anti-aliasing, so their
 * pixels have exactly these colours.
 */
public final class DriveCanvas {
    /** Colour of the true steering angle. */
    public static final Color TRUE_COLOR = new Color(80, 220, 80);
    /** Colour of the predicted steering angle. */
    public static final Color PREDICTED_COLOR = new Color(255, 160, 0);
    private static final Color BACKGROUND = new Color(24, 24, 24);
    private static final Color TEXT = new Color(220, 220, 220);
    private static final Color DIM = new Color(110, 110, 110);

    static final int MARGIN = 6;
    static final int TITLE_H = 16;
    static final int HEADER_H = 18;
    static final int STRIP_H = 112;
    static final int GAUGE_W = 300;
    /** Height of the gauge's marker above and below its track. */
    static final int MARKER_H = 14;

    private final int panelWidth;
    private final int panelHeight;
    private final int scale;
    private final int panels;
    private final double range;
    private final int history;
    private final int width;
    private final int height;
    private final Deque<double[]> trace = new ArrayDeque<>();
    private final Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /**
     * @param inputWidth  width of the network's input, pixels
     * @param inputHeight height of the network's input, pixels
     * @param panels      images per frame: the camera frame and one per method, >= 1
     * @param range       steering angle at the ends of the gauge and the trace, degrees, > 0
     * @param history     frames the trace shows, >= 2
     */
    public DriveCanvas(int inputWidth, int inputHeight, int panels, double range, int history) {
        if (inputWidth < 1 || inputHeight < 1) {
            throw new IllegalArgumentException("input size must be positive, got " + inputWidth + " x " + inputHeight);
        }
        if (panels < 1) {
            throw new IllegalArgumentException("a drive canvas needs at least one panel, got " + panels);
        }
        if (!(range > 0) || Double.isInfinite(range)) {
            throw new IllegalArgumentException("the gauge's range must be a positive number of degrees, got " + range);
        }
        if (history < 2) {
            throw new IllegalArgumentException("the trace needs at least 2 frames of history, got " + history);
        }
        this.scale = Math.max(1, (int) Math.ceil(480.0 / inputWidth));
        this.panelWidth = inputWidth * scale;
        this.panelHeight = inputHeight * scale;
        this.panels = panels;
        this.range = range;
        this.history = history;
        int w = Math.max(panelWidth, GAUGE_W + 200) + 2 * MARGIN;
        int h = HEADER_H + panels * (TITLE_H + panelHeight + MARGIN) + STRIP_H + MARGIN;
        this.width = roundUp16(w);
        this.height = roundUp16(h);
    }

    private static int roundUp16(int v) {
        return (v + 15) / 16 * 16;
    }

    /** Width of the canvas, pixels (a multiple of 16). */
    public int width() {
        return width;
    }

    /** Height of the canvas, pixels (a multiple of 16). */
    public int height() {
        return height;
    }

    /** How many times the network's input is enlarged in the panels. */
    public int scale() {
        return scale;
    }

    /** Left edge and top row of panel {@code i} (0 = the camera frame) on the canvas. */
    public int[] panelOrigin(int i) {
        Objects.checkIndex(i, panels);
        int x = (width - panelWidth) / 2;
        int y = HEADER_H + i * (TITLE_H + panelHeight + MARGIN) + TITLE_H;
        return new int[] {x, y};
    }

    /** Top row of the gauge and trace strip. */
    int stripTop() {
        return HEADER_H + panels * (TITLE_H + panelHeight + MARGIN);
    }

    /** Left and right ends of the gauge's track, and the row of the track. */
    int[] gaugeTrack() {
        int x0 = MARGIN + 14;
        int x1 = MARGIN + GAUGE_W - 14;
        int y = stripTop() + 46;
        return new int[] {x0, x1, y};
    }

    /**
     * Column of the gauge where {@code degrees} is drawn: {@code centre - clamp(degrees / range) * half}, rounded.
     */
    public int gaugeX(double degrees) {
        int[] t = gaugeTrack();
        double half = (t[1] - t[0]) / 2.0;
        double c = (t[0] + t[1]) / 2.0;
        return (int) Math.round(c - clamp(degrees / range) * half);
    }

    /** Rows of the true angle's marker (above the track), then of the prediction's (below), as [top, bottom) pairs. */
    public int[] gaugeMarkerRows() {
        int y = gaugeTrack()[2];
        return new int[] {y - MARKER_H, y - 1, y + 2, y + 2 + MARKER_H};
    }

    /** The trace's plot area: left, top, width, height. */
    public int[] traceArea() {
        int left = MARGIN + GAUGE_W + 16;
        int top = stripTop() + 18;
        int w = width - MARGIN - left;
        int h = STRIP_H - 26;
        return new int[] {left, top, w, h};
    }

    /** Row of the trace where {@code degrees} is drawn: positive above the middle row, clamped to the range. */
    public int traceY(double degrees) {
        int[] a = traceArea();
        double mid = a[1] + (a[3] - 1) / 2.0;
        return (int) Math.round(mid - clamp(degrees / range) * (a[3] - 1) / 2.0);
    }

    /** Column of the trace where the frame {@code age} frames ago is drawn (0 = the current frame, at the right). */
    public int traceX(int age) {
        int[] a = traceArea();
        return (int) Math.round(a[0] + a[2] - 1 - (double) age * (a[2] - 1) / (history - 1));
    }

    private static double clamp(double v) {
        return Math.max(-1, Math.min(1, v));
    }

    /**
     * Draws the next frame of the drive and adds its angles to the trace.
     *
     * @param header    the line above the panels
     * @param images    the camera frame and one image per method, each of the network's input size
     * @param titles    a title per image (its method and cost)
     * @param trueDeg   the true steering angle, degrees, or NaN when unknown
     * @param predicted the predicted steering angle, degrees
     * @return a new {@code TYPE_INT_RGB} image of {@link #width()} x {@link #height()}
     */
    public BufferedImage draw(String header, List<BufferedImage> images, List<String> titles, double trueDeg, double predicted) {
        if (images.size() != panels || titles.size() != panels) {
            throw new IllegalArgumentException("this canvas has " + panels + " panels, got " + images.size() + " images and "
                    + titles.size() + " titles");
        }
        trace.addFirst(new double[] {trueDeg, predicted});
        while (trace.size() > history) {
            trace.removeLast();
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            g.setFont(font);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setColor(TEXT);
            g.drawString(header, MARGIN, 13);
            for (int i = 0; i < panels; i++) {
                int[] o = panelOrigin(i);
                g.setColor(TEXT);
                g.drawString(titles.get(i), o[0], o[1] - 4);
                g.drawImage(images.get(i), o[0], o[1], panelWidth, panelHeight, null);
            }
            drawGauge(g, trueDeg, predicted);
            drawTrace(g);
        } finally {
            g.dispose();
        }
        return out;
    }

    private void drawGauge(Graphics2D g, double trueDeg, double predicted) {
        int[] t = gaugeTrack();
        int top = stripTop();
        g.setColor(TEXT);
        g.drawString(String.format(Locale.ROOT, "steering: true %s, predicted %+.1f deg%s", Double.isNaN(trueDeg) ? "unknown"
                : String.format(Locale.ROOT, "%+.1f", trueDeg), predicted,
                Double.isNaN(trueDeg) ? "" : String.format(Locale.ROOT, ", error %.1f", Math.abs(predicted - trueDeg))), MARGIN, top + 12);
        g.setColor(DIM);
        g.fillRect(t[0], t[2], t[1] - t[0] + 1, 2);
        for (int k = -2; k <= 2; k++) {
            int x = gaugeX(k * range / 2);
            g.fillRect(x, t[2] - 4, 1, 10);
        }
        g.drawString(String.format(Locale.ROOT, "left %.0f", range), t[0] - 8, t[2] + 32);
        g.drawString("0", gaugeX(0) - 3, t[2] + 32);
        g.drawString(String.format(Locale.ROOT, "right %.0f", range), t[1] - 40, t[2] + 32);
        int[] rows = gaugeMarkerRows();
        if (!Double.isNaN(trueDeg)) {
            g.setColor(TRUE_COLOR);
            g.fillRect(gaugeX(trueDeg) - 1, rows[0], 3, rows[1] - rows[0]);
        }
        g.setColor(PREDICTED_COLOR);
        g.fillRect(gaugeX(predicted) - 1, rows[2], 3, rows[3] - rows[2]);
        g.setColor(TRUE_COLOR);
        g.drawString("true", t[0], t[2] + 48);
        g.setColor(PREDICTED_COLOR);
        g.drawString("predicted", t[0] + 36, t[2] + 48);
    }

    private void drawTrace(Graphics2D g) {
        int[] a = traceArea();
        g.setColor(TEXT);
        g.drawString(String.format(Locale.ROOT, "steering over the last %d frames (up = left, +/- %.0f deg)", history, range), a[0],
                a[1] - 6);
        g.setColor(new Color(40, 40, 40));
        g.fillRect(a[0], a[1], a[2], a[3]);
        g.setColor(DIM);
        g.fillRect(a[0], traceY(0), a[2], 1);
        g.setStroke(new BasicStroke(1f));
        double[][] points = trace.toArray(new double[0][]);
        for (int series = 0; series < 2; series++) {
            g.setColor(series == 0 ? TRUE_COLOR : PREDICTED_COLOR);
            for (int age = 0; age + 1 < points.length; age++) {
                double v0 = points[age][series];
                double v1 = points[age + 1][series];
                if (!Double.isNaN(v0) && !Double.isNaN(v1)) {
                    g.drawLine(traceX(age), traceY(v0), traceX(age + 1), traceY(v1));
                }
            }
            if (points.length > 0 && !Double.isNaN(points[0][series])) {
                g.fillRect(traceX(0) - 1, traceY(points[0][series]) - 1, 3, 3);
            }
        }
    }
}
