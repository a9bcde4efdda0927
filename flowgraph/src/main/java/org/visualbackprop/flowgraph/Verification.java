package org.visualbackprop.flowgraph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.FlowGraph.Quantity;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * The statements of Section 4 (and the corollaries of docs/paper-notes.md, section 3) checked on one network at a time, and a
 * runner that checks each on many seeded random networks and tabulates the outcome ({@code vbp verify}).
 *
 * <p>Two tiers. <b>Exact</b>: small nets with small-integer weights, biases and inputs ({@link SmallNet.Options#exact});
 * the flow graph is built in {@link Field#RATIONAL}, forward pass included, and every statement is checked for
 * equality. <b>Float</b>: larger real-valued nets; core's float32 code (VisualBackProp, LRP, the backward pass, Ñ as a
 * core network) against the flow graph in double precision, within {@link Tolerances#FLOAT32}.
 *
 * <p>Each statement is defined here once: {@code vbp verify} runs these checks on seeded random nets, and the jqwik
 * properties of {@code proofs-tests} run the same checks on jqwik's nets (with jqwik's shrinking); the symbolic proofs
 * ({@code org.visualbackprop.flowgraph.symbolic}) reuse {@link #lemma1}. What the tests add are independent oracles (a
 * literal reading of Section 4, hand-worked examples), not second copies of a statement. Library code: it does not
 * print.
 */
public final class Verification {
    private Verification() {
    }

    /** The two tiers. */
    public enum Tier {
        /** Rational arithmetic, equality. */
        EXACT("rational (exact)"),
        /** Core float32 against the flow graph in double, within a tolerance. */
        FLOAT("float32 vs double");

        private final String label;

        Tier(String label) {
            this.label = label;
        }

        /** How the table names the arithmetic. */
        public String label() {
            return label;
        }
    }

    /**
     * The outcome of one check on one network.
     *
     * @param holds     whether the statement held
     * @param deviation the largest deviation seen (exact tier: the largest absolute difference, 0 when equal; float
     *                  tier: relative to the largest magnitude, see {@link Tolerances#relativeDeviation})
     * @param detail    what was compared, or what differed
     */
    public record Outcome(boolean holds, double deviation, String detail) {
        static Outcome exact(double maxAbsDiff, String detail) {
            return new Outcome(maxAbsDiff == 0, maxAbsDiff, detail);
        }

        static Outcome within(double deviation, double tolerance, String detail) {
            return new Outcome(deviation <= tolerance, deviation, detail + " (tolerance " + tolerance + ")");
        }

        Outcome and(Outcome o) {
            return new Outcome(holds && o.holds, Math.max(deviation, o.deviation), holds && !o.holds ? o.detail
                    : !holds ? detail : detail + "; " + o.detail);
        }
    }

    // ============================================================================================ single checks

    /**
     * Lemma 1 (and its proof, Supplement section 7): a vertex of {@code A_(l-1)} has, in {@code A_l}, as many neighbours
     * as windows of conv l cover it, times {@code f_l}; inside the map with stride 1 that is {@code a_l b_l f_l}.
     * The windows covering a position are counted here literally from "output y sees inputs y*s - p .. y*s - p + k - 1",
     * not through {@link Window}. Also every vertex of {@code A_l} has (in-bounds kernel positions) x {@code f_(l-1)}
     * neighbours in {@code A_(l-1)}. A pooling layer (graphs of free activations only) joins each neuron to its own
     * channel, so there {@code f_l} is replaced by 1.
     */
    public static Outcome lemma1(FlowGraph<?> g) {
        long worst = 0;
        int interior = 0;
        for (int l = 1; l <= g.depth(); l++) {
            FlowGraph.Part below = g.part(l - 1);
            FlowGraph.Part above = g.part(l);
            Window w = g.window(l);
            for (int u = 0; u < below.size(); u++) {
                int iy = below.rowOf(u);
                int ix = below.columnOf(u);
                int rows = 0;
                for (int oy = 0; oy < above.height(); oy++) {
                    int top = oy * w.strideH() - w.padH();
                    rows += top <= iy && iy <= top + w.kernelH() - 1 ? 1 : 0;
                }
                int cols = 0;
                for (int ox = 0; ox < above.width(); ox++) {
                    int left = ox * w.strideW() - w.padW();
                    cols += left <= ix && ix <= left + w.kernelW() - 1 ? 1 : 0;
                }
                int fanOut = g.isPool(l) ? 1 : above.channels(); // a pool joins a neuron to its own channel only
                long expected = (long) rows * cols * fanOut;
                worst = Math.max(worst, Math.abs(g.outDegree(l - 1, u) - expected));
                boolean stride1 = w.strideH() == 1 && w.strideW() == 1;
                boolean inside = iy >= w.kernelH() - 1 - w.padH() && iy <= below.height() - w.kernelH() + w.padH()
                        && ix >= w.kernelW() - 1 - w.padW() && ix <= below.width() - w.kernelW() + w.padW();
                if (stride1 && inside) {
                    interior++;
                    worst = Math.max(worst, Math.abs(g.outDegree(l - 1, u) - (long) w.kernelH() * w.kernelW() * fanOut));
                }
            }
            for (int v = 0; v < above.size(); v++) {
                int top = above.rowOf(v) * w.strideH() - w.padH();
                int left = above.columnOf(v) * w.strideW() - w.padW();
                int rows = Math.min(below.height(), top + w.kernelH()) - Math.max(0, top);
                int cols = Math.min(below.width(), left + w.kernelW()) - Math.max(0, left);
                worst = Math.max(worst, Math.abs(g.inDegree(l, v) - (long) rows * cols * (g.isPool(l) ? 1 : below.channels())));
            }
        }
        return Outcome.exact(worst, "degrees of " + g.edgeCount() + " edges, " + interior + " interior stride-1 vertices");
    }

    /** The flow graph's exact forward pass against core's float32 one: every conv layer's ReLU output. */
    public static Outcome forwardAgrees(SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Network n = net.network();
        Trace t = n.trace(net.input(), Mode.EVAL);
        int[] relus = reluLayers(n);
        double dev = 0;
        for (int l = 1; l <= g.depth(); l++) {
            dev = Math.max(dev, Tolerances.relativeDeviation(toDouble(g.field(), g.activations(l)), toDouble(t.output(relus[l - 1]))));
        }
        return Outcome.within(dev, Tolerances.FLOAT32, "ReLU outputs of " + g.depth() + " layers");
    }

    /**
     * The three computations of sums over paths agree, for every {@link Quantity}: enumeration and dynamic programming
     * exactly (for the input neurons whose paths, all together, number at most {@code enumerationBudget}), the sparse
     * matrix chain (double) within {@link Tolerances#FLOAT64}; and the path counts of enumeration, of the exact
     * {@link FlowGraph#pathCounts()} and of {@link Quantity#COUNT}.
     */
    public static Outcome pathSumsAgree(SmallNet net, long enumerationBudget) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Quantity[] qs = Quantity.values();
        List<Rational[]> dp = new ArrayList<>();
        double sparseDev = 0;
        for (Quantity q : qs) {
            Rational[] s = g.pathSums(q);
            dp.add(s);
            sparseDev = Math.max(sparseDev, Tolerances.relativeDeviation(toDouble(g.field(), s), g.pathSumsBySparseMatrices(q)));
        }
        long[] counts = g.pathCounts();
        double exactDiff = 0;
        for (int x = 0; x < counts.length; x++) {
            exactDiff = Math.max(exactDiff, Math.abs(dp.get(Quantity.COUNT.ordinal())[x].toDouble() - counts[x]));
        }
        long budget = enumerationBudget;
        int enumerated = 0;
        long paths = 0;
        for (int x = 0; x < counts.length; x++) {
            if (counts[x] > budget) {
                continue;
            }
            budget -= counts[x];
            enumerated++;
            Rational[] sums = new Rational[qs.length];
            Arrays.fill(sums, Rational.ZERO);
            long n = 0;
            for (FlowGraph<Rational>.Path p : g.paths(x)) {
                n++;
                for (Quantity q : qs) {
                    sums[q.ordinal()] = sums[q.ordinal()].add(p.product(q));
                }
            }
            paths += n;
            exactDiff = Math.max(exactDiff, Math.abs(n - counts[x]));
            for (Quantity q : qs) {
                exactDiff = Math.max(exactDiff, Math.abs(sums[q.ordinal()].subtract(dp.get(q.ordinal())[x]).toDouble()));
            }
        }
        Outcome exact = Outcome.exact(exactDiff, "enumeration = dynamic programming for " + enumerated + " of "
                + counts.length + " input neurons (" + paths + " paths)");
        return exact.and(Outcome.within(sparseDev, Tolerances.FLOAT64, "sparse chain vs dynamic programming"));
    }

    /**
     * Theorem 1, exactly: core's {@link VisualBackProp#rawMask} (the algorithm of Section 3 in any arithmetic, fed with
     * the exact activations) times {@code v(X)} equals {@code phi_VBP(X)} of eq. 4 with {@code c = prod_l 1/f_l},
     * computed by paths.
     */
    public static Outcome theorem1Exact(SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        return theorem1Exact(g, VbpPlan.of(net.network()));
    }

    /** As {@link #theorem1Exact(SmallNet)} for a graph and the plan of its network. */
    public static <T> Outcome theorem1Exact(FlowGraph<T> g, VbpPlan plan) {
        Field<T> f = g.field();
        T[] raw = VisualBackProp.rawMask(plan, g.convActivations(), f.arithmetic(), f::newArray);
        T[] phiVbp = g.phiVbp();
        int plane = g.part(0).plane();
        double diff = 0;
        for (int x = 0; x < phiVbp.length; x++) {
            T vbp = f.multiply(raw[x % plane], g.activation(0, x));
            diff = Math.max(diff, Math.abs(f.toDouble(f.subtract(vbp, phiVbp[x]))));
        }
        return Outcome.exact(diff, "VBP raw x v(X) vs phi_VBP at " + phiVbp.length + " input neurons");
    }

    /**
     * Lemma 2 with {@code a_e} the activation of the edge's target n2: the bias-free Ñ reproduces every activation of N,
     * exactly. Needs {@code z(v) != 0} wherever {@code a(v) > 0} (true when every {@code b_v >= 0}).
     */
    public static Outcome lemma2Exact(SmallNet net) {
        return lemma2(FlowGraph.of(net, Field.RATIONAL), Lemma2Reading.TARGET);
    }

    /**
     * Whether Ñ built with the given reading has no biases and reproduces every activation of the graph's network
     * exactly (the outcome holds when it does). With {@link Lemma2Reading#SOURCE}, the lemma as worded, it usually does
     * not: the erratum.
     */
    public static <T> Outcome lemma2(FlowGraph<T> g, Lemma2Reading reading) {
        FlowGraph<T> tilde = g.reweighted(reading);
        Field<T> f = g.field();
        double diff = 0;
        String first = null;
        for (int l = 1; l <= g.depth(); l++) {
            for (int v = 0; v < g.part(l).size(); v++) {
                if (!f.isZero(tilde.bias(l, v)) && first == null) {
                    first = "Ñ has a bias at " + g.part(l).describe(v) + ": " + f.format(tilde.bias(l, v));
                    diff = Math.max(diff, Math.abs(f.toDouble(tilde.bias(l, v))));
                }
                T d = f.subtract(tilde.activation(l, v), g.activation(l, v));
                if (!f.isZero(d) && first == null) {
                    first = g.part(l).describe(v) + ": N has a = " + f.format(g.activation(l, v)) + ", Ñ has "
                            + f.format(tilde.activation(l, v));
                }
                diff = Math.max(diff, Math.abs(f.toDouble(d)));
            }
        }
        return Outcome.exact(diff, first == null ? "Ñ (" + reading + ") reproduces all activations" : first);
    }

    /** Lemma 3: Definition 1 applied to Ñ (sum over paths of the products of Ñ's weights) equals eq. 3 on N, exactly. */
    public static Outcome lemma3Exact(SmallNet net) {
        return lemma3(FlowGraph.of(net, Field.RATIONAL));
    }

    /** As {@link #lemma3Exact(SmallNet)} for a graph (exact when its field is). */
    public static <T> Outcome lemma3(FlowGraph<T> g) {
        Field<T> f = g.field();
        T[] viaTilde = g.reweighted(Lemma2Reading.TARGET).phiDefinition1();
        T[] eq3 = g.phi();
        if (f.isExact()) {
            double diff = 0;
            for (int x = 0; x < eq3.length; x++) {
                diff = Math.max(diff, Math.abs(f.toDouble(f.subtract(viaTilde[x], eq3[x]))));
            }
            return Outcome.exact(diff, "phi of Ñ (Definition 1) vs eq. 3 at " + eq3.length + " input neurons");
        }
        return Outcome.within(Tolerances.relativeDeviation(toDouble(f, viaTilde), toDouble(f, eq3)), Tolerances.FLOAT64,
                "phi of Ñ (Definition 1) vs eq. 3");
    }

    /** Conservation (docs/paper-notes.md, section 3): {@code sum_X phi(X) = sum over v in A_L of a(v)}, exactly. */
    public static Outcome conservationExact(SmallNet net) {
        return conservation(FlowGraph.of(net, Field.RATIONAL));
    }

    /** As {@link #conservationExact(SmallNet)} for a graph: exact for exact fields, else within {@link Tolerances#FLOAT64}. */
    public static <T> Outcome conservation(FlowGraph<T> g) {
        Field<T> f = g.field();
        T sum = f.zero();
        double magnitude = 0;
        for (T p : g.phi()) {
            sum = f.add(sum, p);
            magnitude += Math.abs(f.toDouble(p));
        }
        T total = g.totalOutput();
        double diff = Math.abs(f.toDouble(f.subtract(sum, total)));
        String detail = "sum phi = " + f.format(sum) + ", sum a(A_L) = " + f.format(total);
        if (f.isExact()) {
            return Outcome.exact(diff, detail);
        }
        double scale = Math.max(magnitude, Math.abs(f.toDouble(total)));
        return Outcome.within(scale == 0 ? 0 : diff / scale, Tolerances.FLOAT64, detail);
    }

    /** Theorem 1 in float32: core's {@code VisualBackProp.explain(trace).inputWeighted()} against eq. 4 in double. */
    public static Outcome theorem1Float(SmallNet net) {
        Network n = net.network();
        Tensor x = net.input();
        Trace t = n.trace(x, Mode.EVAL);
        double[] vbp = toDouble(VisualBackProp.explain(t).inputWeighted());
        FlowGraph<Double> g = FlowGraph.of(n, x);
        return Outcome.within(Tolerances.relativeDeviation(vbp, toDouble(g.field(), g.phiVbp())), Tolerances.FLOAT32,
                "core VBP inputWeighted vs phi_VBP");
    }

    /**
     * Lemma 2 with real networks: Ñ built as a core {@link Network} ({@link LocallyConnected2d} + ReLU, no biases,
     * float32 weights) runs forward and reproduces N's ReLU outputs from core's forward pass.
     */
    public static Outcome lemma2Float(SmallNet net) {
        Network n = net.network();
        Tensor x = net.input();
        Trace t = n.trace(x, Mode.EVAL);
        FlowGraph<Double> g = FlowGraph.of(n, x);
        Network tilde = g.reweighted(Lemma2Reading.TARGET).toNetwork();
        Trace tt = tilde.trace(x, Mode.EVAL);
        int[] relus = reluLayers(n);
        int[] tildeRelus = reluLayers(tilde);
        double dev = 0;
        for (int l = 0; l < relus.length; l++) {
            dev = Math.max(dev, Tolerances.relativeDeviation(toDouble(tt.output(tildeRelus[l])), toDouble(t.output(relus[l]))));
        }
        return Outcome.within(dev, Tolerances.FLOAT32, "Ñ (core network) vs N, ReLU outputs of " + relus.length + " layers");
    }

    /**
     * Lemma 3 with real networks: the flow graph read back from Ñ as a core network (its float32 weights), Definition 1,
     * against eq. 3 on N in double.
     */
    public static Outcome lemma3Float(SmallNet net) {
        Network n = net.network();
        Tensor x = net.input();
        FlowGraph<Double> g = FlowGraph.of(n, x);
        FlowGraph<Double> tilde = FlowGraph.of(g.reweighted(Lemma2Reading.TARGET).toNetwork(), x);
        return Outcome.within(Tolerances.relativeDeviation(toDouble(g.field(), tilde.phiDefinition1()), toDouble(g.field(), g.phi())),
                Tolerances.FLOAT32, "Definition 1 on Ñ (core network) vs eq. 3 on N");
    }

    /** Conservation in double precision on real-valued nets. */
    public static Outcome conservationFloat(SmallNet net) {
        return conservation(FlowGraph.of(net.network(), net.input()));
    }

    /**
     * phi is LRP with the z-rule whose denominator leaves out the bias, started from the last conv layer's activations
     * (docs/paper-notes.md, section 3), run through core's {@link Lrp#zWithoutBias} with BatchNorm folded. Core folds a BatchNorm
     * only into an unpadded conv (a padded one is its own step, for which the identity does not hold), so nets with a
     * BatchNorm before a padded conv are given without that BatchNorm ({@link #foldableBatchNorm}).
     */
    public static Outcome lrpFloat(SmallNet net) {
        SmallNet m = foldableBatchNorm(net);
        Network n = m.network();
        Tensor x = m.input();
        Trace t = n.trace(x, Mode.EVAL);
        int last = n.size() - 1;
        Attribution r = Lrp.zWithoutBias(Lrp.BatchNormRule.FOLD).attributeFrom(t, last, t.output(last));
        double[] lrp = new double[x.shape().size()];
        for (int c = 0, i = 0; c < m.channels(); c++) {
            for (int y = 0; y < m.height(); y++) {
                for (int xx = 0; xx < m.width(); xx++) {
                    lrp[i++] = r.value(0, c, y, xx);
                }
            }
        }
        FlowGraph<Double> g = FlowGraph.of(n, x);
        return Outcome.within(Tolerances.relativeDeviation(lrp, toDouble(g.field(), g.phi())), Tolerances.FLOAT32,
                "core LRP (z-rule, no bias in the denominator) vs phi");
    }

    /**
     * In a bias-free ReLU network {@code phi(X) = v(X) d(sum over v in A_L of a(v)) / d v(X)}: gradient x input, the
     * gradient from core's backward pass. Biases (and BatchNorm, whose shift is one) are removed from the net first.
     */
    public static Outcome gradientFloat(SmallNet net) {
        SmallNet m = net.withoutBiases();
        Network n = m.network();
        Tensor x = m.input();
        Trace t = n.trace(x, Mode.EVAL);
        int last = n.size() - 1;
        Tensor ones = Tensor.zeros(t.output(last).shape());
        ones.fillInPlace(1f);
        Tensor grad = n.backwardFrom(t, last, ones, false, true);
        double[] gx = new double[x.shape().size()];
        for (int i = 0; i < gx.length; i++) {
            gx[i] = (double) grad.data()[i] * x.data()[i];
        }
        FlowGraph<Double> g = FlowGraph.of(n, x);
        return Outcome.within(Tolerances.relativeDeviation(gx, toDouble(g.field(), g.phi())), Tolerances.FLOAT32,
                "v(X) x core gradient vs phi");
    }

    /** The net with every BatchNorm that precedes a padded conv removed (core's LRP folds only into unpadded convs). */
    public static SmallNet foldableBatchNorm(SmallNet net) {
        List<SmallNet.Block> bs = new ArrayList<>();
        for (SmallNet.Block b : net.blocks()) {
            boolean padded = b.window().padH() > 0 || b.window().padW() > 0;
            bs.add(new SmallNet.Block(padded ? null : b.norm(), b.window(), b.outChannels(), b.weights(), b.bias()));
        }
        return new SmallNet(net.channels(), net.height(), net.width(), net.inputValues(), bs);
    }

    // ============================================================================================ the statements

    /** What a statement needs of a net besides its architecture. */
    public enum Precondition {
        /** Nothing. */
        NONE,
        /**
         * {@code z(v) != 0} wherever {@code a(v) > 0} ({@link FlowGraph#undefinedRatios()} is 0): the exact statements
         * that divide by {@code z}.
         */
        DEFINED_RATIOS,
        /**
         * Every {@code b_v >= 0}, BatchNorm shifts included ({@link FlowGraph#biasesNonNegative()}): the float32
         * comparisons of statements that divide by {@code z}, which are ill-conditioned where {@code b_v < 0} lets a
         * tiny {@code z} meet a large {@code a} (the identities still hold there; the exact tier checks them).
         */
        NON_NEGATIVE_B;

        /** Whether the net meets it. */
        public boolean test(SmallNet net) {
            return switch (this) {
                case NONE -> true;
                case DEFINED_RATIOS -> FlowGraph.of(net, Field.RATIONAL).undefinedRatios() == 0;
                case NON_NEGATIVE_B -> FlowGraph.of(net.network(), net.input()).biasesNonNegative();
            };
        }
    }

    /** Every statement {@code vbp verify} checks, with its tier, the nets it runs on and the check. */
    public enum Statement {
        LEMMA1("Lemma 1: degree = covering windows x f_l (a*b*f, stride 1)", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.ANY, 0.3), false, net -> lemma1(FlowGraph.of(net, Field.DOUBLE))),
        FORWARD("Flow graph's exact forward pass = core's float32 forward", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.ANY, 0.5), false, Verification::forwardAgrees),
        PATH_SUMS("Path sums: enumeration = dynamic programming = sparse chain", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.ANY, 0.3), false, net -> pathSumsAgree(net, 20_000)),
        THEOREM1_EXACT("Theorem 1: VBP raw x v(X) = phi_VBP(X), c = prod 1/f_l", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.ANY, 0.3), false, Verification::theorem1Exact),
        LEMMA2_EXACT("Lemma 2 (a_e of target n2): Ñ reproduces activations", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::lemma2Exact),
        LEMMA2_AS_WORDED("Erratum: Lemma 2 as worded (a_e of n1) fails", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true,
                net -> lemma2(FlowGraph.of(net, Field.RATIONAL), Lemma2Reading.SOURCE)),
        LEMMA3_EXACT("Lemma 3: Definition 1 on Ñ = eq. (3) on N", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::lemma3Exact),
        CONSERVATION_EXACT("Conservation: sum_X phi(X) = sum_{A_L} a(v)", Tier.EXACT,
                SmallNet.Options.exact(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::conservationExact),
        THEOREM1_FLOAT("Theorem 1: core VBP inputWeighted = phi_VBP(X)", Tier.FLOAT,
                SmallNet.Options.floating(SmallNet.Biases.ANY, 0.3), false, Verification::theorem1Float),
        LEMMA2_FLOAT("Lemma 2: Ñ as a core Network reproduces activations", Tier.FLOAT,
                SmallNet.Options.floating(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::lemma2Float),
        LEMMA3_FLOAT("Lemma 3: Definition 1 on Ñ (core Network) = eq. (3)", Tier.FLOAT,
                SmallNet.Options.floating(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::lemma3Float),
        CONSERVATION_FLOAT("Conservation: sum_X phi(X) = sum_{A_L} a(v)", Tier.FLOAT,
                SmallNet.Options.floating(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::conservationFloat),
        LRP_FLOAT("phi = core LRP z-rule (no bias in denominator) from A_L", Tier.FLOAT,
                SmallNet.Options.floating(SmallNet.Biases.NON_NEGATIVE_B, 0.3), true, Verification::lrpFloat),
        GRADIENT_FLOAT("Bias-free: phi = v(X) x core gradient of sum a(A_L)", Tier.FLOAT,
                SmallNet.Options.floating(SmallNet.Biases.NONE, 0.0), false, Verification::gradientFloat);

        private final String claim;
        private final Tier tier;
        private final SmallNet.Options nets;
        private final Precondition precondition;
        private final Function<SmallNet, Outcome> check;

        Statement(String claim, Tier tier, SmallNet.Options nets, boolean dividesByZ, Function<SmallNet, Outcome> check) {
            this.claim = claim;
            this.tier = tier;
            this.nets = nets;
            this.precondition = !dividesByZ ? Precondition.NONE
                    : tier == Tier.EXACT ? Precondition.DEFINED_RATIOS : Precondition.NON_NEGATIVE_B;
            this.check = check;
        }

        /** What the nets it is checked on must meet. */
        public Precondition precondition() {
            return precondition;
        }

        /** The claim as the table prints it. */
        public String claim() {
            return claim;
        }

        public Tier tier() {
            return tier;
        }

        /** The random nets it is checked on. */
        public SmallNet.Options nets() {
            return nets;
        }

        /**
         * True for the erratum: the row holds when some net is a counterexample to the literal reading (the check's
         * outcome fails on it), not when all pass.
         */
        public boolean existential() {
            return this == LEMMA2_AS_WORDED;
        }

        /** Checks one net. */
        public Outcome check(SmallNet net) {
            return check.apply(net);
        }

        /** Draws a net this statement applies to (one that meets its {@link #precondition()}; up to 100 draws). */
        public SmallNet draw(SplittableRandom r) {
            SmallNet net = SmallNet.random(r, nets);
            for (int attempt = 0; attempt < 100 && !precondition.test(net); attempt++) {
                net = SmallNet.random(r, nets);
            }
            return net;
        }
    }

    /**
     * One row of the table.
     *
     * @param nets           number of nets checked
     * @param failures       number of nets on which the check's outcome failed (for the erratum: counterexamples)
     * @param largestDeviation the largest deviation over all nets
     * @param holds          the verdict: every net passed (for the erratum: some net is a counterexample)
     * @param example        a failing net when {@code failures > 0} (the smallest found, shrunk for the erratum), or null
     * @param exampleDetail  what differed on it
     * @param millis         wall-clock time
     */
    public record Row(Statement statement, int nets, int failures, double largestDeviation, boolean holds, SmallNet example,
                      String exampleDetail, long millis) {
    }

    /**
     * What to run.
     *
     * @param tries   random nets per statement
     * @param seed    the seed every net derives from (net i of statement s from {@code (seed, s, i)})
     * @param tiers   which tiers
     * @param threads worker threads
     */
    public record Options(int tries, long seed, Set<Tier> tiers, int threads) {
        /** The documented default seed. */
        public static final long DEFAULT_SEED = 20170502L;

        public Options {
            if (tries < 1) {
                throw new IllegalArgumentException("tries must be >= 1, got " + tries);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
            tiers = tiers.isEmpty() ? EnumSet.noneOf(Tier.class) : EnumSet.copyOf(tiers);
        }

        /** {@code tries} nets per statement, both tiers, the default seed, all processors. */
        public static Options of(int tries) {
            return new Options(tries, DEFAULT_SEED, EnumSet.allOf(Tier.class), Runtime.getRuntime().availableProcessors());
        }
    }

    /** The random source of net {@code i} of statement {@code s}. */
    public static SplittableRandom random(long seed, Statement s, int i) {
        long h = seed * 0x9E3779B97F4A7C15L + (s.ordinal() + 1) * 0xBF58476D1CE4E5B9L + i * 0x94D049BB133111EBL;
        return new SplittableRandom(h ^ (h >>> 31));
    }

    /**
     * Checks every statement of the chosen tiers on {@code options.tries()} random nets each, in parallel; hands each
     * row to {@code onRow} as it is done and returns them all, in {@link Statement} order.
     */
    public static List<Row> run(Options options, Consumer<Row> onRow) {
        List<Row> rows = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "vbp-verify");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Statement s : Statement.values()) {
                if (!options.tiers().contains(s.tier())) {
                    continue;
                }
                Row row = run(s, options, pool);
                rows.add(row);
                onRow.accept(row);
            }
        } finally {
            pool.shutdownNow();
        }
        return rows;
    }

    private static Row run(Statement s, Options options, ExecutorService pool) {
        long start = System.nanoTime();
        int chunks = options.threads() * 8;
        List<Future<Partial>> parts = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) options.tries() * c / chunks);
            int to = (int) ((long) options.tries() * (c + 1) / chunks);
            parts.add(pool.submit(() -> {
                Partial p = new Partial();
                for (int i = from; i < to; i++) {
                    SmallNet net = s.draw(random(options.seed(), s, i));
                    Outcome o;
                    try {
                        o = s.check(net);
                    } catch (RuntimeException e) {
                        o = new Outcome(false, Double.NaN, "threw " + e);
                    }
                    p.add(net, o);
                }
                return p;
            }));
        }
        Partial all = new Partial();
        for (Future<Partial> f : parts) {
            try {
                all.merge(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking " + s, e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("checking " + s + " failed: " + e.getCause(), e.getCause());
            }
        }
        SmallNet example = all.smallestFailure;
        String detail = all.smallestDetail;
        if (s.existential() && example != null) {
            example = shrink(example, n -> !s.check(n).holds());
            detail = s.check(example).detail();
        }
        boolean holds = s.existential() ? all.failures > 0 : all.failures == 0;
        long ms = (System.nanoTime() - start) / 1_000_000;
        return new Row(s, options.tries(), all.failures, all.deviation, holds, example, detail, ms);
    }

    /** Accumulates outcomes of one chunk of nets. */
    private static final class Partial {
        int failures;
        double deviation;
        SmallNet smallestFailure;
        String smallestDetail;

        void add(SmallNet net, Outcome o) {
            deviation = worse(deviation, o.deviation());
            if (!o.holds()) {
                failures++;
                if (smallestFailure == null || size(net) < size(smallestFailure)) {
                    smallestFailure = net;
                    smallestDetail = o.detail();
                }
            }
        }

        void merge(Partial p) {
            failures += p.failures;
            deviation = worse(deviation, p.deviation);
            if (p.smallestFailure != null && (smallestFailure == null || size(p.smallestFailure) < size(smallestFailure))) {
                smallestFailure = p.smallestFailure;
                smallestDetail = p.smallestDetail;
            }
        }
    }

    /** The larger of two deviations; NaN (a non-finite value met) wins. */
    private static double worse(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b);
    }

    /** A size for "smallest counterexample": input values plus parameters. */
    public static int size(SmallNet net) {
        int n = net.inputValues().length;
        for (SmallNet.Block b : net.blocks()) {
            n += b.weights().length + (b.bias() == null ? 0 : b.bias().length) + (b.norm() == null ? 0 : 4 * b.norm().channels());
        }
        return n;
    }

    /**
     * Greedy shrinking, for the command line only: {@code vbp verify} runs outside the jqwik engine, and jqwik shrinks a
     * value only inside a property run (its shrinking has no public API to call on a given value), so the CLI needs its
     * own to print a small counterexample; the property tests ({@code proofs-tests}) check the same statements and let
     * jqwik shrink. While some simpler net still
     * satisfies {@code fails}, take it. Simpler: a block less at the top, the top block with one output channel, no
     * BatchNorm, no bias, a weight, bias or input value set to 0 or to its sign, the input cropped by a row or column.
     */
    public static SmallNet shrink(SmallNet net, Predicate<SmallNet> fails) {
        Objects.requireNonNull(fails);
        SmallNet cur = net;
        boolean progress = true;
        while (progress) {
            progress = false;
            for (SmallNet cand : simpler(cur)) {
                boolean f;
                try {
                    f = fails.test(cand);
                } catch (RuntimeException e) {
                    f = false;
                }
                if (f) {
                    cur = cand;
                    progress = true;
                    break;
                }
            }
        }
        return cur;
    }

    private static List<SmallNet> simpler(SmallNet net) {
        List<SmallNet> out = new ArrayList<>();
        List<SmallNet.Block> bs = net.blocks();
        int depth = bs.size();
        if (depth > 1) {
            out.add(new SmallNet(net.channels(), net.height(), net.width(), net.inputValues(), bs.subList(0, depth - 1)));
        }
        SmallNet.Block top = bs.get(depth - 1);
        for (int o = 0; top.outChannels() > 1 && o < top.outChannels(); o++) {
            int per = top.weights().length / top.outChannels();
            double[] w = Arrays.copyOfRange(top.weights(), o * per, (o + 1) * per);
            double[] b = top.bias() == null ? null : new double[] {top.bias()[o]};
            out.add(replace(net, depth - 1, new SmallNet.Block(top.norm(), top.window(), 1, w, b)));
        }
        if (net.channels() > 1 && depth == 1 && top.norm() == null) {
            int plane = net.height() * net.width();
            int area = top.window().area();
            double[] w = new double[top.outChannels() * area];
            for (int o = 0; o < top.outChannels(); o++) {
                System.arraycopy(top.weights(), o * net.channels() * area, w, o * area, area);
            }
            out.add(new SmallNet(1, net.height(), net.width(), Arrays.copyOf(net.inputValues(), plane),
                    List.of(new SmallNet.Block(null, top.window(), top.outChannels(), w, top.bias()))));
        }
        for (int l = 0; l < depth; l++) {
            SmallNet.Block b = bs.get(l);
            if (b.norm() != null) {
                out.add(replace(net, l, new SmallNet.Block(null, b.window(), b.outChannels(), b.weights(), b.bias())));
            }
            if (b.bias() != null) {
                out.add(replace(net, l, new SmallNet.Block(b.norm(), b.window(), b.outChannels(), b.weights(), null)));
            }
        }
        for (int l = 0; l < depth; l++) {
            for (SmallNet.Block b : simplerWindows(bs.get(l))) {
                out.add(replaceIfFits(net, l, b));
            }
        }
        // crops of the input (when every window still fits)
        int h = net.height();
        int w = net.width();
        if (h > 1) {
            out.add(crop(net, h - 1, w));
        }
        if (w > 1) {
            out.add(crop(net, h, w - 1));
        }
        for (int l = 0; l < depth; l++) {
            SmallNet.Block b = bs.get(l);
            double[] ws = b.weights();
            for (int i = 0; i < ws.length; i++) {
                for (double v : simplerValues(ws[i])) {
                    double[] nw = ws.clone();
                    nw[i] = v;
                    out.add(replace(net, l, new SmallNet.Block(b.norm(), b.window(), b.outChannels(), nw, b.bias())));
                }
            }
            if (b.bias() != null) {
                double[] bias = b.bias();
                for (int i = 0; i < bias.length; i++) {
                    for (double v : simplerValues(bias[i])) {
                        double[] nb = bias.clone();
                        nb[i] = v;
                        out.add(replace(net, l, new SmallNet.Block(b.norm(), b.window(), b.outChannels(), b.weights(), nb)));
                    }
                }
            }
        }
        double[] x = net.inputValues();
        for (int i = 0; i < x.length; i++) {
            for (double v : simplerValues(x[i])) {
                double[] nx = x.clone();
                nx[i] = v;
                out.add(net.withInput(nx));
            }
        }
        out.removeIf(Objects::isNull);
        return out;
    }

    /**
     * The block with a kernel row or column less (the first one, with one padding less, which keeps every other
     * position's window where it was; or the last one), or with stride 1.
     */
    private static List<SmallNet.Block> simplerWindows(SmallNet.Block b) {
        List<SmallNet.Block> out = new ArrayList<>();
        Window w = b.window();
        int kh = w.kernelH();
        int kw = w.kernelW();
        if (w.strideH() > 1 || w.strideW() > 1) {
            out.add(new SmallNet.Block(b.norm(), new Window(kh, kw, 1, 1, w.padH(), w.padW()), b.outChannels(), b.weights(), b.bias()));
        }
        for (int axis = 0; axis < 2; axis++) {
            int k = axis == 0 ? kh : kw;
            if (k == 1) {
                continue;
            }
            int pad = axis == 0 ? w.padH() : w.padW();
            for (boolean first : new boolean[] {true, false}) {
                if (first && pad == 0) {
                    continue;
                }
                int np = first ? pad - 1 : Math.min(pad, k - 2);
                Window nw = axis == 0 ? new Window(kh - 1, kw, w.strideH(), w.strideW(), np, w.padW())
                        : new Window(kh, kw - 1, w.strideH(), w.strideW(), w.padH(), np);
                int skip = first ? 0 : k - 1; // the kernel row (axis 0) or column (axis 1) left out
                double[] old = b.weights();
                double[] nws = new double[old.length / k * (k - 1)];
                int j = 0;
                for (int i = 0; i < old.length; i++) {
                    int pos = i % (kh * kw);
                    int idx = axis == 0 ? pos / kw : pos % kw;
                    if (idx != skip) {
                        nws[j++] = old[i];
                    }
                }
                out.add(new SmallNet.Block(b.norm(), nw, b.outChannels(), nws, b.bias()));
            }
        }
        return out;
    }

    private static SmallNet replaceIfFits(SmallNet net, int l, SmallNet.Block b) {
        try {
            return replace(net, l, b);
        } catch (RuntimeException doesNotFit) {
            return null;
        }
    }

    private static double[] simplerValues(double v) {
        if (v == 0) {
            return new double[0];
        }
        if (Math.abs(v) == 1) {
            return new double[] {0};
        }
        return new double[] {0, Math.signum(v)};
    }

    private static SmallNet replace(SmallNet net, int l, SmallNet.Block b) {
        List<SmallNet.Block> bs = new ArrayList<>(net.blocks());
        bs.set(l, b);
        return new SmallNet(net.channels(), net.height(), net.width(), net.inputValues(), bs);
    }

    private static SmallNet crop(SmallNet net, int h, int w) {
        double[] x = net.inputValues();
        double[] nx = new double[net.channels() * h * w];
        for (int c = 0; c < net.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    nx[(c * h + y) * w + xx] = x[(c * net.height() + y) * net.width() + xx];
                }
            }
        }
        try {
            return new SmallNet(net.channels(), h, w, nx, net.blocks());
        } catch (RuntimeException doesNotFit) {
            return null;
        }
    }

    // ============================================================================================ helpers

    /** The indices of the ReLU layers of a network, in order. */
    static int[] reluLayers(Network n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (n.layer(i) instanceof org.visualbackprop.nn.ReLU) {
                out.add(i);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Values as doubles. */
    public static <T> double[] toDouble(Field<T> f, T[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = f.toDouble(v[i]);
        }
        return out;
    }

    /** A tensor's values as doubles. */
    public static double[] toDouble(Tensor t) {
        float[] d = t.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i];
        }
        return out;
    }
}
