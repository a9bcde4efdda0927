package org.visualbackprop.image;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * The pictures of explanations: the authors' red overlay (Figure 3), heat maps, the Figure 2 panel of averaged maps
 * and intermediate masks, and a VisualBackProp | LRP side-by-side panel. Each method returns a {@link BufferedImage};
 * writing files is the caller's business.
 *
 * <p>Maps are {@code H * W} arrays in row order. A mask in [0, 1] is drawn as it is; signed maps (relevance,
 * gradients) go through {@link #displayMask(double[])} first.
 */
public final class Pictures {
    private Pictures() {
    }

    /**
     * The authors' overlay ({@code vis.lua}): {@code R = img + mask, G = img - mask, B = img - mask}, clamped to
     * [0, 1]; for a colour input each channel gets its own term. {@code image} is sample {@code n} of a tensor in
     * [0, 1]; an image of neither 1 nor 3 channels is drawn as its channel mean ({@link #displayable}).
     */
    public static BufferedImage overlay(Tensor image, int n, double[] mask) {
        if (!drawsAsIs(image.shape())) {
            return overlay(displayable(image, n), 0, mask);
        }
        Shape s = image.shape();
        checkMap(s, mask);
        BufferedImage out = new BufferedImage(s.w(), s.h(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < s.h(); y++) {
            for (int x = 0; x < s.w(); x++) {
                float m = (float) mask[y * s.w() + x];
                float r = channel(image, n, 0, y, x);
                float g = channel(image, n, 1, y, x);
                float b = channel(image, n, 2, y, x);
                out.setRGB(x, y, Images.byteOf(r + m) << 16 | Images.byteOf(g - m) << 8 | Images.byteOf(b - m));
            }
        }
        return out;
    }

    private static float channel(Tensor image, int n, int c, int y, int x) {
        return image.get(n, image.shape().c() == 1 ? 0 : c, y, x);
    }

    /** A map in [0, 1] as a heat image (black - red - yellow - white, the "hot" colour map). */
    public static BufferedImage heat(double[] mask, int height, int width) {
        if (mask.length != height * width) {
            throw new ShapeException("map has " + mask.length + " values, not " + height + " x " + width);
        }
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int q = 0; q < mask.length; q++) {
            out.setRGB(q % width, q / width, hot(mask[q]));
        }
        return out;
    }

    /** The "hot" colour map at {@code v} in [0, 1] (clamped), as packed RGB. */
    public static int hot(double v) {
        double c = Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
        int r = (int) Math.round(255 * Math.min(1, 3 * c));
        int g = (int) Math.round(255 * Math.max(0, Math.min(1, 3 * c - 1)));
        int b = (int) Math.round(255 * Math.max(0, Math.min(1, 3 * c - 2)));
        return r << 16 | g << 8 | b;
    }

    /** The input (gray or colour) with a heat map blended in where the mask is high: {@code (1 - 0.6 m) img + 0.6 m hot(m)}. */
    public static BufferedImage heatOverlay(Tensor image, int n, double[] mask) {
        Shape s = image.shape();
        checkMap(s, mask);
        BufferedImage out = new BufferedImage(s.w(), s.h(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < s.h(); y++) {
            for (int x = 0; x < s.w(); x++) {
                double m = Math.max(0, Math.min(1, mask[y * s.w() + x]));
                int h = hot(m);
                double a = 0.6 * m;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double img = channel(image, n, c, y, x);
                    double col = (h >> (16 - 8 * c) & 0xff) / 255.0;
                    rgb |= Images.byteOf((float) ((1 - a) * img + a * col)) << (16 - 8 * c);
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** Share of a map's positive values left below the display maximum by {@link #displayMask(double[])}. */
    public static final double DISPLAY_PERCENTILE = 0.995;

    /**
     * A signed map turned into a display mask in [0, 1]: its positive part divided by the 99.5th percentile of its
     * positive values and clamped at 1 (negative evidence shows as 0). Relevance maps are heavy-tailed: dividing by
     * the maximum would leave all but a few pixels black. An all-non-positive map gives all zeros.
     */
    public static double[] displayMask(double[] map) {
        double[] positive = java.util.Arrays.stream(map).filter(v -> v > 0).sorted().toArray();
        double[] m = new double[map.length];
        if (positive.length == 0) {
            return m;
        }
        double top = positive[Math.min(positive.length - 1, (int) Math.floor(DISPLAY_PERCENTILE * positive.length))];
        for (int q = 0; q < map.length; q++) {
            m[q] = Math.min(1, Math.max(0, map[q]) / top);
        }
        return m;
    }

    /** Min-max normalization of a map to [0, 1] (all zeros when it is constant): for displaying one map. */
    public static double[] minMax(double[] map) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : map) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double[] m = new double[map.length];
        if (max > min) {
            for (int q = 0; q < map.length; q++) {
                m[q] = (map[q] - min) / (max - min);
            }
        }
        return m;
    }

    /** Sample {@code n} of a one-channel tensor as a map. */
    public static double[] map(Tensor oneChannel, int n) {
        Shape s = oneChannel.shape();
        if (s.c() != 1) {
            throw new ShapeException("a map needs a one-channel tensor, got " + s);
        }
        double[] m = new double[s.plane()];
        for (int q = 0; q < m.length; q++) {
            m[q] = oneChannel.data()[n * s.plane() + q];
        }
        return m;
    }

    /**
     * Figure 2 for sample {@code n}: a first row with the input and the final mask, then one row per conv layer from
     * the input side down: its averaged feature map (left) and its intermediate mask (right), each min-max normalized
     * for display only and scaled (nearest neighbour) to the input's width.
     */
    public static BufferedImage vbpSteps(Explanation e, int n) {
        return vbpSteps(e.input(), n, e.mask(), e.averagedMaps(), e.intermediateMasks(), e.levelNames());
    }

    /**
     * Figure 2 from its parts (as an explanation or a compute engine's maps hold them): the batch, the normalized
     * masks, and per conv layer (shallowest first) the averaged maps and intermediate masks, each {@code n x 1 x h x w}.
     */
    public static BufferedImage vbpSteps(Tensor input, int n, Tensor mask, List<Tensor> averaged, List<Tensor> intermediate,
                                         List<String> levelNames) {
        Shape s = input.shape();
        List<BufferedImage[]> rows = new ArrayList<>();
        rows.add(new BufferedImage[] {Images.toImage(gray(input, n), 0), heat(map(mask, n), s.h(), s.w())});
        List<String> labels = new ArrayList<>();
        labels.add("input | mask");
        for (int l = 0; l < averaged.size(); l++) {
            Tensor avg = averaged.get(l);
            Tensor mid = intermediate.get(l);
            rows.add(new BufferedImage[] {
                    heat(minMax(map(avg, n)), avg.shape().h(), avg.shape().w()),
                    heat(minMax(map(mid, n)), mid.shape().h(), mid.shape().w())});
            labels.add(levelNames.get(l) + ": averaged | intermediate");
        }
        return grid(rows, labels, displayWidth(s.w()));
    }

    /** Width to draw a map of width {@code w} at: small maps are enlarged by a whole factor to at least 256 pixels. */
    public static int displayWidth(int w) {
        return w >= 256 ? w : w * ((256 + w - 1) / w);
    }

    /** Input, VisualBackProp overlay and LRP overlay side by side, with titles (the paper's Figures 8-17 columns). */
    public static BufferedImage sideBySide(Tensor image, int n, double[] vbpMask, double[] lrpMask) {
        List<BufferedImage[]> rows = new ArrayList<>();
        rows.add(new BufferedImage[] {Images.toImage(displayable(image, n), 0),
                overlay(image, n, vbpMask), overlay(image, n, lrpMask)});
        return grid(rows, List.of("input | VisualBackProp | LRP"), displayWidth(image.shape().w()));
    }

    /**
     * A map as the pictures show it, in [0, 1]: VisualBackProp's mask as it is; a non-negative saliency (the largest
     * absolute gradient over channels) min-max scaled; a signed map (relevance, gradient x input, ...) as its positive
     * part scaled to a high percentile ({@link #displayMask}).
     *
     * @param map the attribution's map of one sample ({@link org.visualbackprop.explain.Attribution#map})
     */
    public static double[] display(org.visualbackprop.explain.Attribution a, double[] map) {
        if (a.method().equals("vbp")) {
            return map;
        }
        return a.reduction() == org.visualbackprop.explain.Attribution.Reduction.MAX_ABS ? minMax(map) : displayMask(map);
    }

    /** True when a tensor of this shape is drawn channel for channel: 1 channel (gray) or 3 (RGB). */
    public static boolean drawsAsIs(Shape s) {
        return s.c() == 1 || s.c() == 3;
    }

    /**
     * Sample {@code n} as a tensor {@link Images#toImage} can draw: itself for 1 or 3 channels, otherwise its channel
     * mean (gray): a network's input of 2 or 5 channels is shown that way.
     */
    public static Tensor displayable(Tensor t, int n) {
        return drawsAsIs(t.shape()) ? t.sample(n) : gray(t, n);
    }

    /** Sample {@code n} as a one-channel tensor (the channel mean), for gray display. */
    private static Tensor gray(Tensor t, int n) {
        Tensor s = t.sample(n);
        if (s.shape().c() == 1) {
            return s;
        }
        Tensor g = Tensor.zeros(new Shape(1, 1, s.shape().h(), s.shape().w()));
        s.channelMeanInto(g);
        return g;
    }

    /**
     * Rows of images, each scaled (nearest neighbour) to {@code cellWidth} wide keeping its aspect ratio, with a
     * one-line label above each row, on a dark background.
     */
    public static BufferedImage grid(List<BufferedImage[]> rows, List<String> labels, int cellWidth) {
        int gap = 4;
        int labelH = labels == null ? 0 : 14;
        int cols = 0;
        int height = gap;
        List<Integer> rowHeights = new ArrayList<>();
        for (BufferedImage[] row : rows) {
            cols = Math.max(cols, row.length);
            int h = 1;
            for (BufferedImage img : row) {
                h = Math.max(h, (int) Math.round((double) img.getHeight() * cellWidth / img.getWidth()));
            }
            rowHeights.add(h);
            height += labelH + h + gap;
        }
        int width = gap + cols * (cellWidth + gap);
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(24, 24, 24));
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int y = gap;
        for (int r = 0; r < rows.size(); r++) {
            if (labels != null && r < labels.size()) {
                g.setColor(Color.LIGHT_GRAY);
                g.drawString(labels.get(r), gap, y + 11);
            }
            y += labelH;
            BufferedImage[] row = rows.get(r);
            for (int c = 0; c < row.length; c++) {
                int h = (int) Math.round((double) row[c].getHeight() * cellWidth / row[c].getWidth());
                g.drawImage(row[c], gap + c * (cellWidth + gap), y, cellWidth, Math.max(1, h), null);
            }
            y += rowHeights.get(r) + gap;
        }
        g.dispose();
        return out;
    }

    private static void checkMap(Shape s, double[] mask) {
        if (s.c() != 1 && s.c() != 3) {
            throw new ShapeException("overlays need a 1- or 3-channel image, got " + s);
        }
        if (mask.length != s.plane()) {
            throw new ShapeException("mask has " + mask.length + " values, the image " + s.h() + " x " + s.w() + " = " + s.plane());
        }
    }
}
