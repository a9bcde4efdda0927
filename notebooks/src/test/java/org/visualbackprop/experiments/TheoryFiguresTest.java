package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

class TheoryFiguresTest {

    @Test
    void theSymbolicProofPrintsBothPolynomialsAtEveryPixel() {
        String text = TheoryFigures.symbolicProofText(TheoryFigures.symbolicGeometry());
        assertTrue(text.contains("Theorem 1 holds for this geometry for every weight, bias and input"), text);
        assertEquals(9, text.split("identical", -1).length - 1, text);
        // the corner pixel has one path per conv1 channel: v a1(c,0,0) a2 / 2 on both sides
        assertTrue(text.contains("input(c0,y0,x0)  identical\n  VBP(X) v(X) = 1/2 "), text);
        assertTrue(text.contains("c = 1/2"), text);
    }

    @Test
    void theorem1HoldsAtTheBusiestPixelOfTheTinyNetWithTheNumbersOfVbpPaths() {
        SmallNet tiny = TheoryFigures.tinyNet();
        int x = TheoryFigures.busiestPixel(tiny);
        TheoryFigures.Theorem1 t = TheoryFigures.theorem1(tiny, x);
        assertEquals("input(c0,y1,x1)", t.pixel());
        assertEquals(18, t.paths().size());
        assertEquals(Rational.of(289, 16), t.phi());
        assertEquals(Rational.of(1311, 2), t.phiVbp());
        assertEquals(Rational.of(1, 2), t.c());
        assertTrue(t.theoremHolds());
        assertTrue(t.lemma3Holds());
        Rational sum = Rational.ZERO;
        for (TheoryFigures.PathRow r : t.paths()) {
            sum = sum.add(r.vbp());
        }
        assertEquals(t.sumVbp(), sum);
        String text = TheoryFigures.theorem1Text(t);
        assertTrue(text.contains("equals phi_VBP(X)") && text.contains("equals phi(X)") && !text.contains("DIFFERS"), text);
    }

    @Test
    void theorem1HoldsAtEveryPixel() {
        String table = TheoryFigures.theorem1AllPixels(TheoryFigures.tinyNet());
        assertTrue(table.contains("holds exactly at 16 of 16 pixels"), table);
        assertTrue(!table.contains(" NO"), table);
    }

    @Test
    void theErratumCounterexampleBreaksTheWordedReadingOnly() {
        TheoryFigures.Erratum e = TheoryFigures.lemma2Counterexample(Verification.Options.DEFAULT_SEED, 200);
        assertNotNull(e, "Lemma 2 as worded fails on some of 200 random nets");
        FlowGraph<Rational> g = FlowGraph.of(e.net(), Field.RATIONAL);
        assertTrue(Verification.lemma2(g, Lemma2Reading.TARGET).holds(), "the proof's reading reproduces N");
        assertTrue(!Verification.lemma2(g, Lemma2Reading.SOURCE).holds(), "the worded reading does not");
        assertTrue(e.activations().contains("(differs)"), e.activations());
        assertTrue(e.tried() >= 1);
    }

    @Test
    void kernelNetsKeepEveryPixelOnSomePath() {
        for (int k : new int[] {1, 3, 5}) {
            Network n = TheoryFigures.kernelNet(new Shape(1, 1, 16, 24), k, 1);
            assertEquals(3, n.layers().stream().filter(l -> l.kind().equals("Conv2d")).count());
        }
        assertThrows(IllegalArgumentException.class, () -> TheoryFigures.kernelNet(new Shape(1, 1, 8, 8), 5, 1));
    }

    @Test
    void scaledRanksShareTiesAndEndAtOne() {
        assertArrayEquals(new double[] {0.625, 0.625, 1.0, 0.25}, TheoryFigures.scaledRanks(new double[] {2, 2, 5, -1}), 1e-12);
    }

    @Test
    void remark1IsMeasuredOnRandomAndTrainedNets() {
        String random = TheoryFigures.remark1RandomTable(5, 1);
        for (String k : List.of("1x1", "3x3", "5x5")) {
            assertTrue(random.contains(k), random);
        }
        TheoryFigures.TrainedConfig c = new TheoryFigures.TrainedConfig(10, 20, 64, 3, 1, 0.01, new int[] {1, 3}, 1);
        List<TheoryFigures.TrainedKernel> rows = TheoryFigures.remark1Trained(c);
        assertEquals(2, rows.size());
        for (TheoryFigures.TrainedKernel r : rows) {
            assertEquals(3, r.trained().length);
            assertEquals(10 * 20, r.examplePhi().length);
            for (double rho : r.trained()) {
                assertTrue(Double.isNaN(rho) || rho >= -1 && rho <= 1, "rho " + rho);
            }
        }
        String table = TheoryFigures.remark1TrainedTable(rows, c);
        assertTrue(table.contains("1x1") && table.contains("3x3"), table);
        assertEquals(900, BitmapEncoder.getBufferedImage(TheoryFigures.remark1Scatter(rows)).getWidth());
        assertEquals(TheoryFigures.TrainedConfig.quick().trainSamples(),
                TheoryFigures.TrainedConfig.fromEnvironment(Map.of("VBP_QUICK", "1")).trainSamples());
    }
}
