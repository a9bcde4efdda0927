package org.visualbackprop.flowgraph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spearman's correlation on known samples, and the measurement of Remark 1 running end to end. */
class Remark1Test {

    @Test
    void spearmanOnKnownSamples() {
        assertEquals(1.0, Remark1.spearman(new double[] {1, 2, 3, 4}, new double[] {1, 4, 9, 100}), 1e-15);
        assertEquals(-1.0, Remark1.spearman(new double[] {1, 2, 3, 4}, new double[] {8, 4, 2, 1}), 1e-15);
        // ties get their mean rank: ranks (1, 2.5, 2.5, 4) against (1, 2, 3, 4): 4.5 / sqrt(4.5 * 5)
        assertEquals(4.5 / Math.sqrt(22.5), Remark1.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}), 1e-15);
        assertTrue(Double.isNaN(Remark1.spearman(new double[] {5, 5, 5}, new double[] {1, 2, 3})));
        assertThrows(IllegalArgumentException.class, () -> Remark1.spearman(new double[] {1}, new double[] {1}));
        // -0.0 and 0.0 are the same number: a map of zeros is constant whatever the signs of its zeros (a dead net's
        // phi and phi_VBP both carry the sign of v(X) on their zeros, which once ranked them alike: correlation 1)
        assertTrue(Double.isNaN(Remark1.spearman(new double[] {0.0, -0.0, 0.0, -0.0}, new double[] {0.0, -0.0, 0.0, -0.0})));
        assertEquals(1.0, Remark1.spearman(new double[] {-0.0, 0.0, 1, 2}, new double[] {0.0, -0.0, 3, 4}), 1e-15);
    }

    @Test
    void measuresRandomNetsPerKernelSize() {
        for (int k : new int[] {1, 3}) {
            Remark1.Summary s = Remark1.measureRandom(k, 20, 1L);
            assertEquals(k, s.kernel());
            assertEquals(20, s.nets());
            // nets whose phi or phi_VBP is all zeros (dead) are left out: about half of the 1x1 ones
            assertTrue(s.defined() >= 5, s::toString);
            assertTrue(s.lowest() >= -1 && s.mean() <= 1 && s.lowest() <= s.median(), s::toString);
        }
    }
}
