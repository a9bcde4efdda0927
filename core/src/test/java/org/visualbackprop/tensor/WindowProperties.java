package org.visualbackprop.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.visualbackprop.testing.ConvCase;

/**
 * {@link Window}'s geometry against its definition, counted by brute force: output position {@code y} sees input
 * positions {@code y*s - p .. y*s - p + k - 1}; the output length is the number of window placements that start at
 * or after {@code -p} and end at or before {@code n - 1 + p}.
 */
class WindowProperties {

    @Provide
    Arbitrary<ConvCase> cases() {
        return ConvCase.cases(1, 1, 20);
    }

    /** Number of placements {@code y >= 0} with {@code y*s - p + k - 1 <= n - 1 + p}, counted one by one. */
    private static int placements(int n, int k, int s, int p) {
        int count = 0;
        while (count * s - p + k - 1 <= n - 1 + p) {
            count++;
        }
        return count;
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void outputSizeIsTheNumberOfWindowPlacements(@ForAll("cases") ConvCase c) {
        Window w = c.window();
        assertEquals(placements(c.h(), w.kernelH(), w.strideH(), w.padH()), w.outH(c.h()));
        assertEquals(placements(c.w(), w.kernelW(), w.strideW(), w.padW()), w.outW(c.w()));
        assertTrue(w.fits(c.h(), c.w()));
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.NONE)
    void coverageHelpersAgreeWithTheDefinition(@ForAll("cases") ConvCase c) {
        Window w = c.window();
        int oh = w.outH(c.h());
        int ow = w.outW(c.w());
        for (int iy = 0; iy < c.h(); iy++) {
            int first = -1;
            int last = -1;
            for (int oy = 0; oy < oh; oy++) {
                boolean covers = iy >= oy * w.strideH() - w.padH() && iy <= oy * w.strideH() - w.padH() + w.kernelH() - 1;
                assertEquals(covers, w.coversH(oy, iy), "coversH(" + oy + ", " + iy + ") in " + w);
                if (covers) {
                    first = first < 0 ? oy : first;
                    last = oy;
                }
            }
            if (first >= 0) {
                assertEquals(first, w.firstOutputH(iy), "firstOutputH(" + iy + ") in " + w);
                assertEquals(last, w.lastOutputH(iy, oh), "lastOutputH(" + iy + ") in " + w);
            } else {
                // a row no window sees: the range is empty
                assertTrue(w.firstOutputH(iy) > w.lastOutputH(iy, oh), "row " + iy + " is seen by no window in " + w);
            }
            for (int ix = 0; ix < c.w(); ix++) {
                int count = 0;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        boolean y = iy >= oy * w.strideH() - w.padH() && iy < oy * w.strideH() - w.padH() + w.kernelH();
                        boolean x = ix >= ox * w.strideW() - w.padW() && ix < ox * w.strideW() - w.padW() + w.kernelW();
                        count += y && x ? 1 : 0;
                    }
                }
                assertEquals(count, w.coverCount(iy, ix, oh, ow), "coverCount(" + iy + ", " + ix + ") in " + w);
            }
        }
    }

    @Example
    void thePapersStrideTwoLayerLeavesTheLastRowUnseen() {
        Window w = Window.of(3, 2);
        assertEquals(29, w.outH(60));
        assertEquals(0, w.coverCount(59, 10, 29, 29), "row 59 of 60 is seen by no window");
        assertEquals(1, w.coverCount(58, 1, 29, 29));
        assertEquals(4, w.coverCount(2, 2, 29, 29));
    }

    @Example
    void badWindowsAreRefusedWithTheValues() {
        ShapeException k = assertThrows(ShapeException.class, () -> new Window(0, 3, 1, 1, 0, 0));
        assertTrue(k.getMessage().contains("0 x 3"), k.getMessage());
        ShapeException s = assertThrows(ShapeException.class, () -> Window.of(3, 0));
        assertTrue(s.getMessage().contains("stride"), s.getMessage());
        ShapeException p = assertThrows(ShapeException.class, () -> Window.of(3, 1, -1));
        assertTrue(p.getMessage().contains("padding"), p.getMessage());
        ShapeException big = assertThrows(ShapeException.class, () -> Window.of(3, 1, 3));
        assertTrue(big.getMessage().contains("padding 3 x 3") && big.getMessage().contains("kernel 3 x 3"), big.getMessage());
        ShapeException small = assertThrows(ShapeException.class, () -> Window.of(5, 1, 1).outH(2));
        assertTrue(small.getMessage().contains("2") && small.getMessage().contains("5"), small.getMessage());
    }
}
