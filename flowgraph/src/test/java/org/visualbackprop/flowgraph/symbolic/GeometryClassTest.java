package org.visualbackprop.flowgraph.symbolic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Window;

/** The enumeration of a class against a flat listing written from its definition, and its order. */
class GeometryClassTest {

    /** Whether a window fits a map, from the output-length formula (not Window.fits). */
    private static boolean fits(int n, int k, int p) {
        return n + 2 * p - k >= 0;
    }

    private static int out(int n, int k, int s, int p) {
        return (n + 2 * p - k) / s + 1;
    }

    @Test
    void everyGeometryOfASmallClassIsListedOnce() {
        int maxK = 2;
        int maxS = 2;
        int maxP = 1;
        int maxN = 3;
        int maxF = 2;
        GeometryClass c = new GeometryClass(2, maxK, maxS, maxP, maxN, maxF, 2, false, true);
        Set<String> expected = new HashSet<>();
        List<int[]> windows = new ArrayList<>(); // kh, kw, sh, sw, ph, pw
        for (int kh = 1; kh <= maxK; kh++) {
            for (int kw = 1; kw <= maxK; kw++) {
                for (int sh = 1; sh <= maxS; sh++) {
                    for (int sw = 1; sw <= maxS; sw++) {
                        for (int ph = 0; ph < kh && ph <= maxP; ph++) {
                            for (int pw = 0; pw < kw && pw <= maxP; pw++) {
                                windows.add(new int[] {kh, kw, sh, sw, ph, pw});
                            }
                        }
                    }
                }
            }
        }
        for (int c0 = 1; c0 <= 2; c0++) {
            for (int h = 1; h <= maxN; h++) {
                for (int w = 1; w <= maxN; w++) {
                    for (int[] a : windows) {
                        if (!fits(h, a[0], a[4]) || !fits(w, a[1], a[5])) {
                            continue;
                        }
                        for (int f1 = 1; f1 <= maxF; f1++) {
                            String one = c0 + "x" + h + "x" + w + " | " + Geometry.Layer.conv(new Window(a[0], a[1], a[2], a[3], a[4], a[5]), f1);
                            expected.add(one);
                            int h1 = out(h, a[0], a[2], a[4]);
                            int w1 = out(w, a[1], a[3], a[5]);
                            List<String> pools = new ArrayList<>(List.of(""));
                            List<int[]> sizes = new ArrayList<>(List.of(new int[] {h1, w1}));
                            for (int pk = 2; pk <= maxK; pk++) {
                                for (int ps = 1; ps <= maxS; ps++) {
                                    if (fits(h1, pk, 0) && fits(w1, pk, 0)) {
                                        pools.add(" | " + Geometry.Layer.pool(Window.of(pk, ps)));
                                        sizes.add(new int[] {out(h1, pk, ps, 0), out(w1, pk, ps, 0)});
                                    }
                                }
                            }
                            for (int q = 0; q < pools.size(); q++) {
                                int[] hw = sizes.get(q);
                                for (int[] b : windows) {
                                    if (!fits(hw[0], b[0], b[4]) || !fits(hw[1], b[1], b[5])) {
                                        continue;
                                    }
                                    for (int f2 = 1; f2 <= maxF; f2++) {
                                        expected.add(one + pools.get(q) + " | "
                                                + Geometry.Layer.conv(new Window(b[0], b[1], b[2], b[3], b[4], b[5]), f2));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        List<Geometry> listed = c.enumerate();
        Set<String> got = new HashSet<>();
        for (Geometry g : listed) {
            assertTrue(got.add(g.toString()), () -> "listed twice: " + g);
            assertTrue(g.fits(), g::toString);
        }
        assertEquals(expected, got);
        for (int i = 1; i < listed.size(); i++) {
            assertTrue(Arrays.compare(listed.get(i - 1).sizeKey(), listed.get(i).sizeKey()) <= 0, "smallest first");
        }
        assertEquals("1x1x1 | conv 1x1 -> 1", listed.get(0).toString());
    }

    @Test
    void squareWindowsAndNoPoolingNarrowTheClass() {
        GeometryClass c = new GeometryClass(1, 3, 1, 0, 3, 1, 1, true, false);
        // per input size h x w: the square kernels k <= min(h, w) with stride 1, no padding
        int expected = 0;
        for (int h = 1; h <= 3; h++) {
            for (int w = 1; w <= 3; w++) {
                expected += Math.min(h, w);
            }
        }
        assertEquals(expected, c.enumerate().size());
        assertThrows(IllegalArgumentException.class, () -> new GeometryClass(0, 1, 1, 0, 1, 1, 1, true, false));
        assertTrue(GeometryClass.DEFAULT.describe().contains("per axis"));
    }
}
