package org.visualbackprop.flowgraph.symbolic;

import edu.jas.arith.BigRational;
import edu.jas.poly.ExpVector;
import edu.jas.poly.GenPolynomial;
import edu.jas.poly.PolyUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Activation;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Section 4's statements proved symbolically on one network geometry (the runner over a whole class is
 * {@link SymbolicRun}).
 *
 * <p><b>Theorem 1</b> ({@link #theorem1}): every activation {@code a_l(c, y, x)} of a conv layer and every input value
 * {@code v(c, y, x)} is a free variable. The left side is core's {@link VisualBackProp#rawMask} run in
 * {@link PolynomialField} arithmetic on those variables, times {@code v(X)}; the right side is the flow graph's
 * {@code phi_VBP(X) = c v(X) sum_P prod_(e in P) a_e} with {@code c = prod_l 1/f_l} ({@link FlowGraph#phiVbp()} on
 * {@link FlowGraph#ofFreeActivations}, the same {@code Window} walk as the numeric checks). Both are polynomials; the
 * theorem holds for the geometry, for every weight, bias and input (realizable activations or not), exactly when they
 * are the same polynomial at every input neuron. <b>Lemma 1</b> ({@link #lemma1}) is combinatorial: the graph's
 * degrees against windows counted literally ({@link Verification#lemma1}).
 *
 * <p><b>Lemmas 2, 3 and the corollaries</b> ({@link #lemmas}) involve the weights. There the ReLU pattern (which conv
 * neurons are on) is fixed, and weights {@code w_l(co,ci,ky,kx)}, biases {@code b_l(co)} (the paper's sign) and inputs
 * are variables: every activation is a rational function ({@code z - b} for a unit that is on, 0 for one that is
 * off), and each statement is an identity of rational functions for that pattern. Every pattern is enumerated, so the
 * identities hold for every weight, bias and input whose forward pass has <em>some</em> pattern with {@code z != 0}
 * wherever a unit is on (which {@code b_v >= 0} ensures): patterns in which an on unit has {@code z} identically 0
 * (all its sources off) cannot occur with {@code b_v >= 0} and are left out. Enumerating {@code 2^units} patterns
 * limits this to the smallest nets.
 *
 * <p>Library code: it does not print.
 */
public final class SymbolicProof {
    private SymbolicProof() {
    }

    /**
     * The VisualBackProp side of Theorem 1: a raw mask (input size, {@code H * W} values) from the conv layers'
     * activations, in any field. {@link #CORE} is core's implementation; tests plant errors in others.
     */
    public interface VbpSide {
        <T> T[] rawMask(VbpPlan plan, List<T[]> activations, Field<T> field);
    }

    /** Core's {@link VisualBackProp#rawMask}, the implementation {@code vbp explain} runs (in float32). */
    public static final VbpSide CORE = SymbolicProof::coreRawMask;

    private static <T> T[] coreRawMask(VbpPlan plan, List<T[]> activations, Field<T> field) {
        return VisualBackProp.rawMask(plan, activations, field.arithmetic(), field::newArray);
    }

    // ============================================================================================ Theorem 1

    /**
     * Both sides of Theorem 1 on a geometry, as polynomials.
     *
     * @param field the polynomials in {@code v(c,y,x)} (input) and {@code a<l>(c,y,x)} (conv layer l's ReLU output)
     * @param graph the flow graph of free activations
     * @param vbp   {@code VBP(X) v(X)} per input neuron
     * @param phi   {@code phi_VBP(X)} per input neuron
     */
    public record Sides(Geometry geometry, PolynomialField field, FlowGraph<GenPolynomial<BigRational>> graph,
                       GenPolynomial<BigRational>[] vbp, GenPolynomial<BigRational>[] phi) {
    }

    /** The names of the variables of a geometry: {@code v(c,y,x)} for the input, {@code a<l>(c,y,x)} for conv layer l. */
    public static List<String> variables(Geometry g) {
        List<String> names = new ArrayList<>();
        List<int[]> shapes = g.shapes();
        int conv = 0;
        for (int i = 0; i < shapes.size(); i++) {
            if (i > 0 && g.layers().get(i - 1).pool()) {
                continue;
            }
            String prefix = i == 0 ? "v" : "a" + ++conv;
            int[] s = shapes.get(i);
            for (int c = 0; c < s[0]; c++) {
                for (int y = 0; y < s[1]; y++) {
                    for (int x = 0; x < s[2]; x++) {
                        names.add(prefix + "(" + c + "," + y + "," + x + ")");
                    }
                }
            }
        }
        return names;
    }

    /** Both sides of Theorem 1 for {@code g}, the VisualBackProp side by {@code vbp}. */
    public static Sides sides(Geometry g, VbpSide vbp) {
        Network net = g.network();
        VbpPlan plan = VbpPlan.of(net);
        PolynomialField f = PolynomialField.of(variables(g));
        int[] offset = new int[g.layers().size() + 1];
        int next = 0;
        List<int[]> shapes = g.shapes();
        for (int i = 0; i < shapes.size(); i++) {
            if (i > 0 && g.layers().get(i - 1).pool()) {
                offset[i] = -1;
                continue;
            }
            offset[i] = next;
            next += shapes.get(i)[0] * shapes.get(i)[1] * shapes.get(i)[2];
        }
        FlowGraph<GenPolynomial<BigRational>> graph = FlowGraph.ofFreeActivations(net, f, part -> {
            GenPolynomial<BigRational>[] v = f.newArray(part.size());
            for (int n = 0; n < v.length; n++) {
                v[n] = f.variable(offset[part.index()] + n);
            }
            return v;
        });
        GenPolynomial<BigRational>[] raw = vbp.rawMask(plan, graph.convActivations(), f);
        GenPolynomial<BigRational>[] phi = graph.phiVbp();
        int plane = graph.part(0).plane();
        GenPolynomial<BigRational>[] lhs = f.newArray(phi.length);
        for (int x = 0; x < phi.length; x++) {
            lhs[x] = raw[x % plane].multiply(graph.activation(0, x));
        }
        return new Sides(g, f, graph, lhs, phi);
    }

    /**
     * The outcome of Theorem 1 on one geometry.
     *
     * @param identity   true when both sides are the same polynomial at every input neuron
     * @param variables  number of variables
     * @param monomials  terms of {@code phi_VBP} summed over the input neurons
     * @param difference where they differ first (input neuron, a monomial and its coefficient on each side), or null
     */
    public record Theorem1(Geometry geometry, boolean identity, int variables, long monomials, String difference) {
    }

    /** Theorem 1 on {@code g} with core's VisualBackProp. */
    public static Theorem1 theorem1(Geometry g) {
        return theorem1(g, CORE);
    }

    /** Theorem 1 on {@code g} with the VisualBackProp side {@code vbp}. */
    public static Theorem1 theorem1(Geometry g, VbpSide vbp) {
        return theorem1(sides(g, vbp));
    }

    /** Theorem 1 from both sides already built. */
    public static Theorem1 theorem1(Sides s) {
        Geometry g = s.geometry();
        long monomials = 0;
        String difference = null;
        for (int x = 0; x < s.phi().length; x++) {
            monomials += s.phi()[x].length();
            if (difference == null && !s.vbp()[x].equals(s.phi()[x])) {
                difference = differ(s.field(), s.graph().part(0).describe(x), "VBP(X) v(X)", s.vbp()[x], "phi_VBP(X)", s.phi()[x]);
            }
        }
        return new Theorem1(g, difference == null, s.field().variables(), monomials, difference);
    }

    /** {@code "at input(c0,y0,x1): monomial v(0,0,1) a1(0,0,0) has coefficient 1/2 in VBP(X) v(X), 1 in phi_VBP(X)"}. */
    static String differ(PolynomialField f, String where, String leftName, GenPolynomial<BigRational> left, String rightName,
                         GenPolynomial<BigRational> right) {
        ExpVector e = left.subtract(right).leadingExpVector();
        return "at " + where + ": the monomial " + f.monomial(e) + " has coefficient "
                + PolynomialField.rational(left.coefficient(e)) + " in " + leftName + ", "
                + PolynomialField.rational(right.coefficient(e)) + " in " + rightName;
    }

    /** Lemma 1 on the geometry's graph: every degree against the windows counted literally. */
    public static boolean lemma1(Sides s) {
        return Verification.lemma1(s.graph()).holds();
    }

    // ============================================================================================ Lemmas 2, 3

    /**
     * A geometry's flow graph with symbolic weights, biases and inputs under one ReLU pattern.
     *
     * @param field   rational functions in {@code v(c,y,x)}, {@code w<l>(co,ci,ky,kx)} and {@code b<l>(co)}
     * @param graph   N under the pattern (activations rational functions)
     * @param pattern the pattern, one bit per conv neuron in part order
     */
    public record Patterned(Geometry geometry, RationalFunctionField field, FlowGraph<RationalFunction> graph, long pattern) {
    }

    /** The variables of {@link #lemmas}: inputs, every kernel weight, every bias (with {@code biases}). */
    public static List<String> parameterVariables(Geometry g, boolean biases) {
        List<String> names = new ArrayList<>();
        int[] in = g.shapes().get(0);
        for (int c = 0; c < in[0]; c++) {
            for (int y = 0; y < in[1]; y++) {
                for (int x = 0; x < in[2]; x++) {
                    names.add("v(" + c + "," + y + "," + x + ")");
                }
            }
        }
        int cin = g.channels();
        int l = 0;
        for (Geometry.Layer layer : g.layers()) {
            if (layer.pool()) {
                throw new IllegalArgumentException("Lemmas 2 and 3 are about networks without pooling: " + g);
            }
            l++;
            for (int co = 0; co < layer.channels(); co++) {
                for (int ci = 0; ci < cin; ci++) {
                    for (int ky = 0; ky < layer.window().kernelH(); ky++) {
                        for (int kx = 0; kx < layer.window().kernelW(); kx++) {
                            names.add("w" + l + "(" + co + "," + ci + "," + ky + "," + kx + ")");
                        }
                    }
                }
            }
            if (biases) {
                for (int co = 0; co < layer.channels(); co++) {
                    names.add("b" + l + "(" + co + ")");
                }
            }
            cin = layer.channels();
        }
        return names;
    }

    /** The graph of {@code g} under {@code pattern} (bit i: conv neuron i, in part order), symbolic values. */
    public static Patterned patterned(Geometry g, RationalFunctionField rf, boolean biases, long pattern) {
        Network net = g.network();
        Shape in = net.inputShape();
        FlowGraph<Double> shape = FlowGraph.of(net, Tensor.zeros(in));
        int[] first = new int[shape.depth() + 1];
        for (int l = 1; l <= shape.depth(); l++) {
            first[l] = l == 1 ? 0 : first[l - 1] + shape.part(l - 1).size();
        }
        RationalFunction[] input = rf.newArray(shape.part(0).size());
        for (int i = 0; i < input.length; i++) {
            input[i] = rf.variable(i);
        }
        FlowGraph<RationalFunction> graph = shape.withValues(rf, input,
                (l, e) -> {
                    int co = shape.part(l).channelOf(shape.edgeTarget(l, e));
                    int ci = shape.part(l - 1).channelOf(shape.edgeSource(l, e));
                    int[] k = shape.edgeKernelPosition(l, e);
                    return rf.variable("w" + l + "(" + co + "," + ci + "," + k[0] + "," + k[1] + ")");
                },
                (l, v) -> biases ? rf.variable("b" + l + "(" + shape.part(l).channelOf(v) + ")") : rf.zero(),
                Activation.pattern(rf, (l, v) -> (pattern >>> (first[l] + v) & 1) != 0));
        return new Patterned(g, rf, graph, pattern);
    }

    /**
     * The outcome of the weight-dependent statements on one geometry, over every ReLU pattern.
     *
     * @param patterns        patterns checked ({@code 2^units} less those left out)
     * @param leftOut         patterns in which an on unit has {@code z} identically 0 (impossible with {@code b_v >= 0})
     * @param lemma2          Lemma 2 with {@code a_e} the target's activation: Ñ's activations equal N's on every pattern
     * @param lemma2AsWorded  Lemma 2 as worded ({@code a_e} the source's): true when it is an identity on every pattern
     * @param lemma3          Definition 1 on Ñ equals eq. 3 on N
     * @param conservation    {@code sum_X phi(X) = sum over A_L of a(v)}
     * @param gradient        without biases, {@code phi(X) = v(X) d(sum over A_L of a)/d v(X)}
     * @param firstDifference the first statement that is not an identity (Lemma 2 as worded aside), or null
     * @param wordedDifference where Lemma 2 as worded is not an identity first, or null
     * @param wordedPattern   the pattern of {@code wordedDifference}, or -1
     */
    public record Lemmas(Geometry geometry, int patterns, int leftOut, boolean lemma2, boolean lemma2AsWorded, boolean lemma3,
                         boolean conservation, boolean gradient, String firstDifference, String wordedDifference,
                         long wordedPattern) {
    }

    /**
     * What {@link #lemmas} depends on: the parts' shapes and every edge (source, target, and which weight variable it
     * carries, the variables numbered in order of first use). Two geometries with the same structure (for instance two
     * paddings whose extra windows see only padding) give the same rational functions up to the names of the weights,
     * so the statements hold on both or on neither; {@link SymbolicRun} proves each structure once.
     */
    public static String structure(Geometry g) {
        Network net = g.network();
        FlowGraph<Double> shape = FlowGraph.of(net, Tensor.zeros(net.inputShape()));
        StringBuilder sb = new StringBuilder();
        for (FlowGraph.Part p : shape.parts()) {
            sb.append(p.channels()).append('x').append(p.height()).append('x').append(p.width()).append(';');
        }
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        for (int l = 1; l <= shape.depth(); l++) {
            sb.append('|');
            for (int e = 0; e < shape.edgeCount(l); e++) {
                int[] k = shape.edgeKernelPosition(l, e);
                String w = l + ":" + shape.part(l).channelOf(shape.edgeTarget(l, e)) + ":"
                        + shape.part(l - 1).channelOf(shape.edgeSource(l, e)) + ":" + k[0] + ":" + k[1];
                int id = ids.computeIfAbsent(w, key -> ids.size());
                sb.append(shape.edgeSource(l, e)).append('>').append(shape.edgeTarget(l, e)).append('@').append(id).append(' ');
            }
        }
        return sb.toString();
    }

    /** Lemmas 2-3 and the corollaries on {@code g} over all {@code 2^units} patterns. */
    public static Lemmas lemmas(Geometry g) {
        int units = g.hiddenUnits();
        if (units > 20) {
            throw new IllegalArgumentException("2^" + units + " ReLU patterns are too many to enumerate: " + g);
        }
        PolynomialField pf = PolynomialField.of(parameterVariables(g, true));
        RationalFunctionField rf = RationalFunctionField.over(pf);
        RationalFunctionField rf0 = RationalFunctionField.over(PolynomialField.of(parameterVariables(g, false)));
        int patterns = 0;
        int leftOut = 0;
        boolean lemma2 = true;
        boolean worded = true;
        boolean lemma3 = true;
        boolean conservation = true;
        boolean gradient = true;
        String first = null;
        String wordedDiff = null;
        long wordedPattern = -1;
        for (long p = 0; p < 1L << units; p++) {
            Patterned n = patterned(g, rf, true, p);
            FlowGraph<RationalFunction> graph = n.graph();
            if (graph.undefinedRatios() > 0) {
                leftOut++;
                continue;
            }
            patterns++;
            String where = "pattern " + pattern(g, p);
            FlowGraph<RationalFunction> tilde = graph.reweighted(Lemma2Reading.TARGET);
            String d = activationsDiffer(graph, tilde);
            if (d != null) {
                lemma2 = false;
                first = first == null ? "Lemma 2 (target), " + where + ": " + d : first;
            }
            d = activationsDiffer(graph, graph.reweighted(Lemma2Reading.SOURCE));
            if (d != null && worded) {
                worded = false;
                wordedDiff = where + ": " + d;
                wordedPattern = p;
            }
            RationalFunction[] phi = graph.phi();
            RationalFunction[] def1 = tilde.phiDefinition1();
            for (int x = 0; x < phi.length && lemma3; x++) {
                if (!rf.same(phi[x], def1[x])) {
                    lemma3 = false;
                    first = first == null ? "Lemma 3, " + where + ", at " + graph.part(0).describe(x) + ": eq. 3 = "
                            + rf.format(phi[x]) + ", Definition 1 on Ñ = " + rf.format(def1[x]) : first;
                }
            }
            RationalFunction sum = rf.zero();
            for (RationalFunction q : phi) {
                sum = rf.add(sum, q);
            }
            if (!rf.same(sum, graph.totalOutput()) && conservation) {
                conservation = false;
                first = first == null ? "conservation, " + where + ": sum phi = " + rf.format(sum) + ", sum a(A_L) = "
                        + rf.format(graph.totalOutput()) : first;
            }
            String gd = gradientDiffers(g, rf0, p);
            if (gd != null && gradient) {
                gradient = false;
                first = first == null ? "gradient x input, " + where + ": " + gd : first;
            }
        }
        return new Lemmas(g, patterns, leftOut, lemma2, worded, lemma3, conservation, gradient, first, wordedDiff, wordedPattern);
    }

    /** Bias-free: {@code phi(X)} against {@code v(X) d(sum over A_L of a)/d v(X)}; null when equal at every X. */
    private static String gradientDiffers(Geometry g, RationalFunctionField rf0, long p) {
        FlowGraph<RationalFunction> graph = patterned(g, rf0, false, p).graph();
        if (graph.undefinedRatios() > 0) {
            return null; // a unit on with z = 0 and no bias cannot be on
        }
        RationalFunction total = graph.totalOutput();
        if (!total.isPolynomial()) {
            return "sum a(A_L) is not a polynomial: " + rf0.format(total);
        }
        RationalFunction[] phi = graph.phi();
        PolynomialField pf = rf0.polynomials();
        for (int x = 0; x < phi.length; x++) {
            GenPolynomial<BigRational> d = PolyUtil.baseDerivative(total.numerator(), x);
            RationalFunction gx = rf0.of(d.multiply(pf.variable(x)));
            if (!rf0.same(gx, phi[x])) {
                return "at " + graph.part(0).describe(x) + ": phi = " + rf0.format(phi[x]) + ", v(X) x gradient = " + rf0.format(gx);
            }
        }
        return null;
    }

    /** The first neuron whose activation differs between two graphs of the same geometry, or null. */
    static <T> String activationsDiffer(FlowGraph<T> n, FlowGraph<T> tilde) {
        Field<T> f = n.field();
        for (int l = 1; l <= n.depth(); l++) {
            for (int v = 0; v < n.part(l).size(); v++) {
                if (!f.same(n.activation(l, v), tilde.activation(l, v))) {
                    return n.part(l).describe(v) + ": N has a = " + f.format(n.activation(l, v)) + ", Ñ has "
                            + f.format(tilde.activation(l, v));
                }
            }
        }
        return null;
    }

    /** The pattern as text: per conv layer the on (1) and off (0) units, {@code "conv1 10, conv2 1"}. */
    public static String pattern(Geometry g, long p) {
        StringBuilder sb = new StringBuilder();
        List<int[]> s = g.shapes();
        int bit = 0;
        for (int l = 1; l < s.size(); l++) {
            int n = s.get(l)[0] * s.get(l)[1] * s.get(l)[2];
            sb.append(l == 1 ? "" : ", ").append("conv").append(l).append(' ');
            for (int i = 0; i < n; i++, bit++) {
                sb.append((p >>> bit & 1) != 0 ? '1' : '0');
            }
        }
        return sb.toString();
    }

    /**
     * A point that shows a symbolic difference is real: small integer weights, inputs and biases {@code b_v >= 0}
     * (drawn from {@code random}, up to {@code tries} draws) at which N has the given pattern and the two rational
     * functions differ. Null when none was found.
     */
    public static Rational[] witness(Patterned n, java.util.function.Predicate<Rational[]> differs, SplittableRandom random,
                                     int tries) {
        RationalFunctionField rf = n.field();
        PolynomialField pf = rf.polynomials();
        for (int t = 0; t < tries; t++) {
            Rational[] point = new Rational[pf.variables()];
            for (int i = 0; i < point.length; i++) {
                String name = pf.name(i);
                point[i] = Rational.of(name.startsWith("b") ? random.nextInt(0, 3) : name.startsWith("v") ? random.nextInt(-1, 4)
                        : random.nextInt(-2, 3));
            }
            if (realizes(n, point) && differs.test(point)) {
                return point;
            }
        }
        return null;
    }

    /** True when every unit's {@code z - b} at {@code point} is positive exactly where the pattern has it on. */
    static boolean realizes(Patterned n, Rational[] point) {
        FlowGraph<RationalFunction> g = n.graph();
        RationalFunctionField rf = n.field();
        for (int l = 1; l <= g.depth(); l++) {
            for (int v = 0; v < g.part(l).size(); v++) {
                boolean on = !g.isDead(l, v);
                // z(v) - b_v as a function of the parameters, the units below following the pattern
                Rational pre = rf.evaluate(rf.subtract(g.preActivation(l, v), g.bias(l, v)), point);
                if (on != (pre.signum() > 0)) {
                    return false;
                }
            }
        }
        return true;
    }
}
