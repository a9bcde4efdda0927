package org.visualbackprop.flowgraph.symbolic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.visualbackprop.tensor.Window;

/**
 * A bounded class of network geometries, enumerated completely: inputs of 1 .. {@code maxInChannels} channels and
 * every height and width 1 .. {@code maxSize}; 1 .. {@code maxDepth} conv layers, each with every kernel
 * 1 .. {@code maxKernel}, stride 1 .. {@code maxStride} and padding 0 .. {@code maxPadding} (below the kernel) that
 * fits its map, chosen per axis independently ({@code squareWindows} false) or the same on both axes, and
 * 1 .. {@code maxChannels} output channels; with {@code pools}, also every geometry with a max-pooling layer between
 * two conv layers (square pool windows 2 .. maxKernel, strides within the same bound, no padding; a pool after the
 * last conv plays no part in VisualBackProp).
 *
 * @param maxDepth      conv layers, at least 1
 * @param maxKernel     kernel side per axis
 * @param maxStride     stride per axis
 * @param maxPadding    padding per axis
 * @param maxSize       input height and width
 * @param maxChannels   output channels of each conv layer
 * @param maxInChannels input channels
 * @param squareWindows kernel, stride and padding the same on both axes
 * @param pools         include max-pooling layers between conv layers
 */
public record GeometryClass(int maxDepth, int maxKernel, int maxStride, int maxPadding, int maxSize, int maxChannels,
                            int maxInChannels, boolean squareWindows, boolean pools) {

    /**
     * The class {@code vbp verify --symbolic} proves by default (and CI with it): up to 2 conv layers, kernels up to 3,
     * strides up to 2, padding up to 1, each chosen per axis, inputs up to 3 x 3 with one channel, 1-2 channels per
     * layer, with and without a max-pooling layer between the convs: 178,864 geometries.
     */
    public static final GeometryClass DEFAULT = new GeometryClass(2, 3, 2, 1, 3, 2, 1, false, true);

    public GeometryClass {
        check("maxDepth", maxDepth, 1);
        check("maxKernel", maxKernel, 1);
        check("maxStride", maxStride, 1);
        check("maxPadding", maxPadding, 0);
        check("maxSize", maxSize, 1);
        check("maxChannels", maxChannels, 1);
        check("maxInChannels", maxInChannels, 1);
    }

    private static void check(String name, int v, int min) {
        if (v < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
        }
    }

    /** Every window of the class (conv windows; {@code pool} for pool windows: kernels from 2, square). */
    List<Window> windows(boolean pool) {
        List<int[]> axis = new ArrayList<>(); // {kernel, stride, padding}
        for (int k = pool ? 2 : 1; k <= maxKernel; k++) {
            for (int s = 1; s <= maxStride; s++) {
                for (int p = 0; p <= (pool ? 0 : Math.min(maxPadding, k - 1)); p++) {
                    axis.add(new int[] {k, s, p});
                }
            }
        }
        List<Window> out = new ArrayList<>();
        for (int[] a : axis) {
            if (squareWindows || pool) {
                out.add(Window.of(a[0], a[1], a[2]));
                continue;
            }
            for (int[] b : axis) {
                out.add(new Window(a[0], b[0], a[1], b[1], a[2], b[2]));
            }
        }
        return out;
    }

    /** Every geometry of the class, smallest first ({@link Geometry#sizeKey()}). */
    public List<Geometry> enumerate() {
        List<Window> convs = windows(false);
        List<Window> poolWindows = pools ? windows(true) : List.of();
        List<Geometry> out = new ArrayList<>();
        for (int c = 1; c <= maxInChannels; c++) {
            for (int h = 1; h <= maxSize; h++) {
                for (int w = 1; w <= maxSize; w++) {
                    extend(c, h, w, h, w, new ArrayList<>(), convs, poolWindows, out);
                }
            }
        }
        record Keyed(long[] key, String text, Geometry geometry) {
        }
        List<Keyed> keyed = new ArrayList<>(out.size());
        for (Geometry g : out) {
            keyed.add(new Keyed(g.sizeKey(), g.toString(), g));
        }
        Comparator<long[]> keys = Arrays::compare;
        keyed.sort(Comparator.comparing(Keyed::key, keys).thenComparing(Keyed::text));
        List<Geometry> sorted = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) {
            sorted.add(k.geometry());
        }
        return sorted;
    }

    /** Every continuation of {@code layers} (on a c x h x w map): a conv layer, and after a conv a pool then a conv. */
    private void extend(int c0, int h0, int w0, int h, int w, List<Geometry.Layer> layers, List<Window> convs,
                        List<Window> poolWindows, List<Geometry> out) {
        int depth = (int) layers.stream().filter(l -> !l.pool()).count();
        if (depth == maxDepth) {
            return;
        }
        addConv(c0, h0, w0, h, w, layers, convs, poolWindows, out);
        boolean afterConv = !layers.isEmpty() && !layers.get(layers.size() - 1).pool();
        if (afterConv) {
            for (Window win : poolWindows) {
                if (win.fits(h, w)) {
                    layers.add(Geometry.Layer.pool(win));
                    addConv(c0, h0, w0, win.outH(h), win.outW(w), layers, convs, poolWindows, out); // a pool is never last
                    layers.remove(layers.size() - 1);
                }
            }
        }
    }

    /** Every conv layer that fits an h x w map after {@code layers}, each a geometry, then extended. */
    private void addConv(int c0, int h0, int w0, int h, int w, List<Geometry.Layer> layers, List<Window> convs,
                         List<Window> poolWindows, List<Geometry> out) {
        for (Window win : convs) {
            if (!win.fits(h, w)) {
                continue;
            }
            for (int f = 1; f <= maxChannels; f++) {
                layers.add(Geometry.Layer.conv(win, f));
                out.add(new Geometry(c0, h0, w0, layers));
                extend(c0, h0, w0, win.outH(h), win.outW(w), layers, convs, poolWindows, out);
                layers.remove(layers.size() - 1);
            }
        }
    }

    /** The bounds as the command line's options. */
    public String describe() {
        return "depth <= " + maxDepth + ", kernels <= " + maxKernel + ", strides <= " + maxStride + ", padding <= " + maxPadding
                + (squareWindows ? " (same on both axes)" : " (per axis)") + ", inputs <= " + maxSize + "x" + maxSize + " with "
                + (maxInChannels == 1 ? "1 channel" : "1-" + maxInChannels + " channels") + ", "
                + (maxChannels == 1 ? "1 channel" : "1-" + maxChannels + " channels") + " per conv layer"
                + (pools ? ", with and without a max-pooling layer between convs" : ", no pooling");
    }
}
