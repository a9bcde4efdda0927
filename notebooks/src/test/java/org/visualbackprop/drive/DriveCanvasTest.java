package org.visualbackprop.drive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gauge and the trace show the values they are given, read back from the pixels the way a person reads a dial:
 * against the gauge's own ticks (drawn at +range, +range/2, 0, -range/2, -range from left to right) and the trace's
 * zero line and plot area, found in the picture.
 */
class DriveCanvasTest {
    private static final int TICK = new Color(110, 110, 110).getRGB();
    private static final int PLOT = new Color(40, 40, 40).getRGB();

    private static List<BufferedImage> panels(int n) {
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new BufferedImage(640, 125, BufferedImage.TYPE_BYTE_GRAY));
        }
        return out;
    }

    private static BufferedImage draw(DriveCanvas c, double trueDeg, double predicted) {
        return c.draw("header", panels(2), List.of("camera", "VisualBackProp"), trueDeg, predicted);
    }

    /** Mean column of the pixels of exactly {@code rgb} in rows [top, bottom), or NaN when there are none. */
    private static double meanColumn(BufferedImage img, int rgb, int top, int bottom, int left, int right) {
        double sum = 0;
        int n = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                if (img.getRGB(x, y) == rgb) {
                    sum += x;
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** Columns of the gauge's five ticks: tick-coloured pixels in the row just above the track, left to right. */
    private static List<Integer> ticks(BufferedImage img, DriveCanvas c) {
        int trackRow = c.gaugeTrack()[2];
        List<Integer> cols = new ArrayList<>();
        for (int x = 0; x < DriveCanvas.MARGIN + DriveCanvas.GAUGE_W; x++) {
            if (img.getRGB(x, trackRow - 1) == TICK) {
                cols.add(x);
            }
        }
        return cols;
    }

    @Test
    void theGaugeShowsTheTrueAndPredictedAnglesItIsGiven() {
        double range = 90;
        double[][] cases = {{30, -45}, {0, 0}, {-89, 77.5}, {12.3, -3.3}};
        for (double[] v : cases) {
            DriveCanvas c = new DriveCanvas(640, 125, 2, range, 50);
            BufferedImage img = draw(c, v[0], v[1]);
            List<Integer> t = ticks(img, c);
            assertEquals(5, t.size(), "five ticks: " + t);
            double left = t.get(0);
            double right = t.get(4);
            assertEquals((left + right) / 2, t.get(2), 0.5, "0 halfway");
            int[] rows = c.gaugeMarkerRows();
            double trueCol = meanColumn(img, DriveCanvas.TRUE_COLOR.getRGB(), rows[0], rows[1], 0, DriveCanvas.GAUGE_W);
            double predCol = meanColumn(img, DriveCanvas.PREDICTED_COLOR.getRGB(), rows[2], rows[3], 0, DriveCanvas.GAUGE_W);
            // left tick = +range (left), right tick = -range
            double readTrue = range - (trueCol - left) / (right - left) * 2 * range;
            double readPred = range - (predCol - left) / (right - left) * 2 * range;
            double degreesPerPixel = 2 * range / (right - left);
            assertEquals(v[0], readTrue, degreesPerPixel, "true angle read from the gauge");
            assertEquals(v[1], readPred, degreesPerPixel, "predicted angle read from the gauge");
        }
    }

    @Test
    void anglesBeyondTheRangeSitAtItsEndsAndAnUnknownTruthIsNotDrawn() {
        DriveCanvas c = new DriveCanvas(640, 125, 2, 45, 50);
        BufferedImage img = draw(c, Double.NaN, -200);
        List<Integer> t = ticks(img, c);
        int[] rows = c.gaugeMarkerRows();
        assertTrue(Double.isNaN(meanColumn(img, DriveCanvas.TRUE_COLOR.getRGB(), rows[0], rows[1], 0, DriveCanvas.GAUGE_W)),
                "no true marker");
        assertEquals(t.get(4), meanColumn(img, DriveCanvas.PREDICTED_COLOR.getRGB(), rows[2], rows[3], 0, DriveCanvas.GAUGE_W), 0.5,
                "-200 degrees at the right end of a 45-degree gauge");
    }

    @Test
    void theTraceDrawsTheLatestAnglesAtTheRightEdgeAgainstItsZeroLine() {
        double range = 60;
        DriveCanvas c = new DriveCanvas(640, 125, 2, range, 40);
        BufferedImage img = null;
        for (int i = 0; i < 30; i++) {
            img = draw(c, 40 - i, -30 + i * 0.5);
        }
        double trueNow = 40 - 29;
        double predNow = -30 + 29 * 0.5;
        // the plot area: its dark background, found along a column near its left edge (the traces have not reached it),
        // searched a little beyond the area the canvas names
        int[] area = c.traceArea();
        int probeX = area[0] + 2;
        int top = -1;
        int bottom = -1;
        for (int y = area[1] - 2; y <= area[1] + area[3] + 2; y++) {
            if (img.getRGB(probeX, y) == PLOT || img.getRGB(probeX, y) == TICK) {
                top = top < 0 ? y : top;
                bottom = y;
            }
        }
        int zero = -1;
        for (int y = top; y <= bottom; y++) {
            if (img.getRGB(probeX, y) == TICK) {
                zero = y;
            }
        }
        assertTrue(top > 0 && zero > top && zero < bottom, "plot " + top + ".." + bottom + ", zero line " + zero);
        double half = (bottom - top) / 2.0;
        int rightmost = area[0] + area[2] - 1;
        double trueRow = meanRow(img, DriveCanvas.TRUE_COLOR.getRGB(), rightmost - 1, rightmost + 1, top, bottom);
        double predRow = meanRow(img, DriveCanvas.PREDICTED_COLOR.getRGB(), rightmost - 1, rightmost + 1, top, bottom);
        double degreesPerPixel = range / half;
        assertEquals(trueNow, (zero - trueRow) / half * range, 1.5 * degreesPerPixel, "true angle read from the trace");
        assertEquals(predNow, (zero - predRow) / half * range, 1.5 * degreesPerPixel, "prediction read from the trace");
        // the oldest of the last 40 frames is at the left: the first frame drawn, 29 frames ago, lies right of the middle
        double oldest = meanColumnAnyRow(img, DriveCanvas.TRUE_COLOR.getRGB(), area);
        assertTrue(oldest > area[0] + area[2] / 4.0, "29 of 40 frames fill about three quarters: leftmost at " + oldest);
    }

    private static double meanRow(BufferedImage img, int rgb, int x0, int x1, int top, int bottom) {
        double sum = 0;
        int n = 0;
        for (int y = top; y <= bottom; y++) {
            for (int x = x0; x <= x1; x++) {
                if (img.getRGB(x, y) == rgb) {
                    sum += y;
                    n++;
                }
            }
        }
        assertTrue(n > 0, "no pixel of colour " + Integer.toHexString(rgb) + " in columns " + x0 + ".." + x1);
        return sum / n;
    }

    private static double meanColumnAnyRow(BufferedImage img, int rgb, int[] area) {
        int leftmost = Integer.MAX_VALUE;
        for (int y = area[1]; y < area[1] + area[3]; y++) {
            for (int x = area[0]; x < area[0] + area[2]; x++) {
                if (img.getRGB(x, y) == rgb) {
                    leftmost = Math.min(leftmost, x);
                }
            }
        }
        return leftmost;
    }

    @Test
    void theCanvasIsWholeMacroblocksAndHoldsEveryPanel() {
        DriveCanvas svf = new DriveCanvas(640, 125, 3, 90, 10);
        assertEquals(0, svf.width() % 16);
        assertEquals(0, svf.height() % 16);
        assertEquals(1, svf.scale());
        int[] last = svf.panelOrigin(2);
        assertTrue(last[0] >= 0 && last[0] + 640 <= svf.width() && last[1] + 125 <= svf.height());
        DriveCanvas hvf = new DriveCanvas(349, 125, 2, 90, 10);
        assertEquals(2, hvf.scale(), "NetHVF's 349-pixel frames are shown twice as large");
        BufferedImage img = hvf.draw("h", List.of(new BufferedImage(349, 125, BufferedImage.TYPE_INT_RGB),
                new BufferedImage(349, 125, BufferedImage.TYPE_INT_RGB)), List.of("a", "b"), 0, 0);
        assertEquals(hvf.width(), img.getWidth());
        assertEquals(hvf.height(), img.getHeight());
    }

    @Test
    void badArgumentsAreRefusedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DriveCanvas(640, 125, 0, 90, 10));
        assertTrue(e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new DriveCanvas(640, 125, 2, -1, 10));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DriveCanvas(640, 125, 2, 90, 1));
        assertThrows(IllegalArgumentException.class, () -> new DriveCanvas(0, 125, 2, 90, 10));
        DriveCanvas c = new DriveCanvas(640, 125, 2, 90, 10);
        e = assertThrows(IllegalArgumentException.class, () -> c.draw("h", panels(3), List.of("a", "b", "c"), 0, 0));
        assertTrue(e.getMessage().contains("2 panels") && e.getMessage().contains("3 images"), e.getMessage());
    }
}
