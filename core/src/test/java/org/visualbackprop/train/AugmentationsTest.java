package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Each augmentation against the literal transformation it claims to make. */
class AugmentationsTest {
    static Batch batch(int n, int c, int h, int w, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.uniform(new Shape(n, c, h, w), 0.1f, 0.6f, r);
        Tensor y = Tensor.zeros(new Shape(n, 1, 1, 1));
        for (int i = 0; i < n; i++) {
            y.data()[i] = i + 1;
        }
        return new Batch(x, y);
    }

    @Test
    void flipMirrorsEachSampleOrLeavesItAndNegatesOnlySteeringTargets() {
        for (boolean negate : new boolean[] {true, false}) {
            Batch b = batch(64, 2, 3, 5, 1);
            Tensor x0 = b.inputs().copy();
            Augmentations.flip(negate).apply(b, new int[64], null, new SplittableRandom(2));
            int flipped = 0;
            for (int i = 0; i < 64; i++) {
                boolean same = b.inputs().get(i, 1, 2, 0) == x0.get(i, 1, 2, 0);
                boolean isFlip = true;
                boolean isSame = true;
                for (int c = 0; c < 2; c++) {
                    for (int y = 0; y < 3; y++) {
                        for (int x = 0; x < 5; x++) {
                            isFlip &= b.inputs().get(i, c, y, x) == x0.get(i, c, y, 4 - x);
                            isSame &= b.inputs().get(i, c, y, x) == x0.get(i, c, y, x);
                        }
                    }
                }
                assertTrue(isFlip || isSame, "sample " + i + " is mirrored or unchanged");
                if (isFlip && !isSame) {
                    flipped++;
                    assertEquals(negate ? -(i + 1) : i + 1, b.targets().data()[i], 0f);
                } else {
                    assertEquals(i + 1, b.targets().data()[i], 0f);
                }
                assertTrue(same || !isSame);
            }
            assertTrue(flipped > 16 && flipped < 48, "about half the samples are flipped: " + flipped);
        }
    }

    @Test
    void brightnessScalesEachSampleByOneFactorWithinTheRange() {
        Batch b = batch(40, 1, 4, 4, 3);
        Tensor x0 = b.inputs().copy();
        Augmentations.brightness(0.3).apply(b, new int[40], null, new SplittableRandom(4));
        for (int i = 0; i < 40; i++) {
            double f = b.inputs().get(i, 0, 0, 0) / x0.get(i, 0, 0, 0);
            assertTrue(f >= 0.7 - 1e-6 && f <= 1.3 + 1e-6, "factor " + f);
            for (int q = 0; q < 16; q++) {
                double v = x0.data()[i * 16 + q] * f;
                assertEquals(Math.min(1, v), b.inputs().data()[i * 16 + q], 1e-6);
            }
            assertEquals(i + 1, b.targets().data()[i], 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> Augmentations.brightness(1.0));
    }

    @Test
    void shiftTranslatesEachSampleByWholePixelsWithEdgesRepeated() {
        int max = 2;
        Batch b = batch(30, 2, 6, 7, 5);
        Tensor x0 = b.inputs().copy();
        Augmentations.shift(max).apply(b, new int[30], null, new SplittableRandom(6));
        int moved = 0;
        for (int i = 0; i < 30; i++) {
            boolean found = false;
            for (int dy = -max; dy <= max && !found; dy++) {
                for (int dx = -max; dx <= max && !found; dx++) {
                    boolean ok = true;
                    for (int c = 0; c < 2 && ok; c++) {
                        for (int y = 0; y < 6 && ok; y++) {
                            for (int x = 0; x < 7 && ok; x++) {
                                int sy = Math.min(5, Math.max(0, y - dy));
                                int sx = Math.min(6, Math.max(0, x - dx));
                                ok = b.inputs().get(i, c, y, x) == x0.get(i, c, sy, sx);
                            }
                        }
                    }
                    if (ok) {
                        found = true;
                        moved += dx != 0 || dy != 0 ? 1 : 0;
                    }
                }
            }
            assertTrue(found, "sample " + i + " is a translation by at most " + max + " pixels");
            assertEquals(i + 1, b.targets().data()[i], 0f);
        }
        assertTrue(moved > 20, "most samples move: " + moved);
    }

    @Test
    void chainAppliesInOrderAndDescribesEachPart() {
        Augmentation a = Augmentations.chain(List.of(Augmentations.brightness(0.2), Augmentations.flip(true)));
        assertEquals("brightness(+-0.2) + flip(p 0.5, target negated)", a.describe());
        assertEquals("none", Augmentations.chain(List.of()).describe());
    }
}
