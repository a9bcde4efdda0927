package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.testing.Tolerances;

class PixelsTest {

    /** Literal area averaging: output pixel (i, j) is the integral of the piecewise-constant input over its cell. */
    private static double areaMean(float[] src, int sh, int sw, int dh, int dw, int i, int j) {
        double y0 = (double) i * sh / dh;
        double y1 = (double) (i + 1) * sh / dh;
        double x0 = (double) j * sw / dw;
        double x1 = (double) (j + 1) * sw / dw;
        double sum = 0;
        for (int y = 0; y < sh; y++) {
            double oy = Math.max(0, Math.min(y1, y + 1) - Math.max(y0, y));
            for (int x = 0; x < sw; x++) {
                double ox = Math.max(0, Math.min(x1, x + 1) - Math.max(x0, x));
                sum += oy * ox * src[y * sw + x];
            }
        }
        return sum / ((y1 - y0) * (x1 - x0));
    }

    @Test
    void shrinkingAveragesTheCoveredArea() {
        SplittableRandom r = new SplittableRandom(1);
        int sh = 23;
        int sw = 37;
        float[] src = new float[sh * sw];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) r.nextDouble();
        }
        int dh = 7;
        int dw = 16;
        float[] dst = new float[dh * dw];
        Pixels.resize(src, 1, sh, sw, dst, 0, dh, dw);
        for (int i = 0; i < dh; i++) {
            for (int j = 0; j < dw; j++) {
                assertEquals(areaMean(src, sh, sw, dh, dw, i, j), dst[i * dw + j], Tolerances.F32);
            }
        }
    }

    @Test
    void growingInterpolatesLinearlyBetweenPixelCentres() {
        float[] src = {0f, 1f, 3f};
        float[] dst = new float[6];
        Pixels.resize(src, 1, 1, 3, dst, 0, 1, 6);
        // output centres at input coordinates -0.25, 0.25, 0.75, 1.25, 1.75, 2.25 (edges clamped)
        assertArrayEquals(new float[] {0f, 0.25f, 0.75f, 1.5f, 2.5f, 3f}, dst, 1e-6f);
    }

    @Test
    void constantsStayConstantAndChannelsStaySeparate() {
        float[] src = new float[2 * 9 * 13];
        java.util.Arrays.fill(src, 0, 117, 0.25f);
        java.util.Arrays.fill(src, 117, 234, 0.75f);
        float[] dst = new float[2 * 31 * 5 + 3];
        Pixels.resize(src, 2, 9, 13, dst, 3, 31, 5);
        for (int i = 0; i < 155; i++) {
            assertEquals(0.25f, dst[3 + i], 1e-6f);
            assertEquals(0.75f, dst[3 + 155 + i], 1e-6f);
        }
    }

    @Test
    void cropOutsideThePictureIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pixels.crop(new float[12], 1, 3, 4, 2, 0, 3, 3));
        assertEquals("crop 3 x 3 at (2, 0) outside a 4 x 3 picture", e.getMessage());
    }
}
