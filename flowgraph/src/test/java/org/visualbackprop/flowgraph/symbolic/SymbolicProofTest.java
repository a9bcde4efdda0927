package org.visualbackprop.flowgraph.symbolic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import edu.jas.arith.BigRational;
import edu.jas.poly.GenPolynomial;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.tensor.Window;

/**
 * The symbolic proofs: they reject planted errors and name the smallest geometry, agree with an independent literal
 * VisualBackProp, and their polynomials, evaluated at the activations of real networks, give the exact numeric tier's
 * values on every geometry of a small class.
 */
class SymbolicProofTest {
    /** Small enough to run in seconds: depth <= 2, kernels <= 2, strides <= 2, padding <= 1 per axis, inputs <= 2x2, pools. */
    static final GeometryClass SMALL = new GeometryClass(2, 2, 2, 1, 2, 2, 1, false, true);

    private static SymbolicRun.Report run(GeometryClass c, SymbolicProof.VbpSide vbp) {
        return SymbolicRun.run(new SymbolicRun.Options(c, 1, 2), vbp, r -> { });
    }

    @Test
    void theLiteralReadingOfSection3ProvesTheoremOneLikeCore() {
        SymbolicRun.Report r = run(SMALL, LiteralVbp.CORRECT);
        SymbolicRun.Row t1 = r.row(SymbolicRun.Statement.THEOREM1);
        assertTrue(t1.holds(), () -> t1.geometry() + ": " + t1.detail());
        assertEquals(SMALL.enumerate().size(), t1.geometries());
    }

    @Test
    void droppingTheProductWithTheFirstAveragedMapIsRejectedAtTheSmallestTwoLayerNet() {
        SymbolicRun.Row t1 = run(SMALL, new LiteralVbp(0, false)).row(SymbolicRun.Statement.THEOREM1);
        assertFalse(t1.holds());
        assertEquals("1x1x1 | conv 1x1 -> 1 | conv 1x1 -> 1", t1.geometry().toString());
        // VBP without a1: v a2; phi_VBP: v a1 a2
        assertEquals("at input(c0,y0,x0): the monomial v(0,0,0) a1(0,0,0) a2(0,0,0) has coefficient 0 in VBP(X) v(X), 1 in "
                + "phi_VBP(X)", t1.detail());
    }

    @Test
    void centeringAnIntermediateMaskIsRejected() {
        SymbolicRun.Row t1 = run(SMALL, new LiteralVbp(-1, true)).row(SymbolicRun.Statement.THEOREM1);
        assertFalse(t1.holds());
        // a one-pixel intermediate mask minus its mean is 0
        assertEquals("1x1x1 | conv 1x1 -> 1 | conv 1x1 -> 1", t1.geometry().toString());
        assertTrue(t1.detail().contains("has coefficient 0 in VBP(X) v(X), 1 in phi_VBP(X)"), t1.detail());
    }

    @Test
    void aStrideThatSkipsAColumnIsWhereAWindowBugShows() {
        // a planted error in the geometry only: core's VBP reading the window with its strides swapped
        SymbolicProof.VbpSide swapped = new SymbolicProof.VbpSide() {
            @Override
            public <T> T[] rawMask(VbpPlan plan, List<T[]> activations, Field<T> f) {
                List<VbpPlan.Stage> st = new ArrayList<>();
                for (VbpPlan.Stage s : plan.stages()) {
                    Window w = s.window();
                    st.add(new VbpPlan.Stage(s.layer(), s.name(), new Window(w.kernelH(), w.kernelW(), w.strideW(), w.strideH(), w.padH(),
                            w.padW()), s.inputShape(), s.outputShape(), s.mapLayer()));
                }
                return VisualBackProp.rawMask(new VbpPlan(plan.inputShape(), st), activations, f.arithmetic(), f::newArray);
            }
        };
        SymbolicRun.Row t1 = run(SMALL, swapped).row(SymbolicRun.Statement.THEOREM1);
        assertFalse(t1.holds());
        Window w = t1.geometry().layers().get(0).window();
        assertTrue(w.strideH() != w.strideW(), t1.geometry()::toString);
    }

    @Test
    void lemma2AsWordedFailsOnOneNeuronAndTheCorrectedLemmasHold() {
        SymbolicRun.Report r = run(new GeometryClass(2, 2, 2, 1, 2, 2, 1, false, false), SymbolicProof.CORE);
        for (SymbolicRun.Row row : r.rows()) {
            assertTrue(row.holds(), () -> row.statement() + ": " + row.geometry() + " " + row.detail());
        }
        SymbolicRun.Row erratum = r.row(SymbolicRun.Statement.LEMMA2_AS_WORDED);
        assertEquals("1x1x1 | conv 1x1 -> 1", erratum.geometry().toString());
        assertEquals("pattern conv1 1: conv1(c0,y0,x0): N has a = -b1(0) + v(0,0,0) w1(0,0,0,0), Ñ has v(0,0,0)", erratum.detail());
        assertNotNull(r.erratumWitness());
        // the witness really is one: N's activation differs from Ñ's as worded, exactly, at those values
        assertTrue(r.erratumWitness().matches(".*N (\\S+), Ñ as worded (\\S+)$"), r.erratumWitness());
        String[] tail = r.erratumWitness().replaceAll(".*N (\\S+), Ñ as worded (\\S+)$", "$1 $2").split(" ");
        assertFalse(tail[0].equals(tail[1]), r.erratumWitness());
        assertTrue(r.row(SymbolicRun.Statement.LEMMA2).patterns() > 0);
    }

    @Test
    void lemmasWithTheSourcesActivationAreNotIdentitiesButWithTheTargetsTheyAre() {
        Geometry g = new Geometry(1, 2, 1, List.of(Geometry.Layer.conv(Window.of(1, 1), 1), Geometry.Layer.conv(new Window(2, 1, 1, 1, 0, 0), 1)));
        SymbolicProof.Lemmas l = SymbolicProof.lemmas(g);
        assertTrue(l.lemma2() && l.lemma3() && l.conservation() && l.gradient(), l::toString);
        assertFalse(l.lemma2AsWorded());
        // 3 units: 8 patterns; those where conv2 is on with both conv1 units off cannot occur with b >= 0
        assertEquals(8, l.patterns() + l.leftOut());
        assertEquals(1, l.leftOut());
    }

    @Test
    void bothPolynomialsAtTheActivationsOfRealNetsGiveTheExactTiersValues() {
        // every geometry without pooling of a small class, square windows: random integer weights, biases and inputs
        GeometryClass c = new GeometryClass(2, 3, 2, 1, 3, 2, 2, true, false);
        SplittableRandom random = new SplittableRandom(16);
        int geometries = 0;
        int live = 0;
        for (Geometry g : c.enumerate()) {
            SmallNet net = smallNet(g, random);
            FlowGraph<Rational> exact = FlowGraph.of(net, Field.RATIONAL);
            VbpPlan plan = VbpPlan.of(net.network());
            assertTrue(Verification.theorem1Exact(exact, plan).holds(), g::toString);
            SymbolicProof.Sides s = SymbolicProof.sides(g, SymbolicProof.CORE);
            Rational[] point = new Rational[s.field().variables()];
            int i = 0;
            for (int l = 0; l <= exact.depth(); l++) {
                for (Rational v : exact.activations(l)) {
                    point[i++] = v;
                }
            }
            assertEquals(point.length, i);
            Rational[] raw = VisualBackProp.rawMask(plan, exact.convActivations(), Field.RATIONAL.arithmetic(), Rational[]::new);
            Rational[] phi = exact.phiVbp();
            int plane = exact.part(0).plane();
            for (int x = 0; x < phi.length; x++) {
                GenPolynomial<BigRational> vbp = s.vbp()[x];
                assertEquals(raw[x % plane].multiply(exact.activation(0, x)), s.field().evaluate(vbp, point), g + " at " + x);
                assertEquals(phi[x], s.field().evaluate(s.phi()[x], point), g + " at " + x);
            }
            geometries++;
            live += exact.totalOutput().signum() > 0 ? 1 : 0;
        }
        assertEquals(c.enumerate().size(), geometries);
        int all = geometries;
        int on = live;
        assertTrue(on > all / 2, () -> "most nets should have a live last layer: " + on + " of " + all);
    }

    /** The geometry with weights in -2..2 (more often positive), biases in -1..1, inputs in -1..3. */
    static SmallNet smallNet(Geometry g, SplittableRandom r) {
        List<SmallNet.Block> blocks = new ArrayList<>();
        int cin = g.channels();
        for (Geometry.Layer l : g.layers()) {
            double[] w = new double[l.channels() * cin * l.window().area()];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextInt(-1, 3);
            }
            double[] b = new double[l.channels()];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextInt(-1, 2);
            }
            blocks.add(new SmallNet.Block(null, l.window(), l.channels(), w, b));
            cin = l.channels();
        }
        double[] x = new double[g.channels() * g.height() * g.width()];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextInt(-1, 4);
        }
        return new SmallNet(g.channels(), g.height(), g.width(), x, blocks);
    }
}
