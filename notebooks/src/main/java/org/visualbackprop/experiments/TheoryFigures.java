package org.visualbackprop.experiments;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.visualbackprop.data.BarPositions;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.FlowGraph.Quantity;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.Remark1;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.flowgraph.symbolic.Geometry;
import org.visualbackprop.flowgraph.symbolic.SymbolicProof;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;
import org.visualbackprop.train.TrainingListener;

/**
 * Notebook 6, "Theory": Section 4 of the paper made concrete with the flowgraph module.
 * <ul>
 * <li>Theorem 1 on a tiny network, by hand: every path from one input pixel to the last conv layer with its products,
 * both sides of the equality {@code VBP(X) v(X) = phi_VBP(X) = c v(X) sum_P prod a_e} in exact rational arithmetic
 * ({@link #theorem1(SmallNet, int)}), and the same for every pixel ({@link #theorem1AllPixels(SmallNet)});</li>
 * <li>the erratum of Lemma 2: the smallest network found on which the lemma as worded ({@code a_e} the activation of
 * the edge's source) does not reproduce the activations, while the reading its proof needs (the target) does
 * ({@link #lemma2Counterexample(long, int)});</li>
 * <li>Remark 1 measured: Spearman's rank correlation between {@code phi} (eq. 3) and {@code phi_VBP} (eq. 4) over the
 * input pixels, on random networks with kernels 1, 3 and 5 ({@link Remark1}) and on small networks trained on the bar
 * toy task with those kernels ({@link #remark1Trained(TrainedConfig)}).</li>
 * </ul>
 */
public final class TheoryFigures {
    private TheoryFigures() {
    }

    /**
     * The tiny network of {@code vbp paths --tiny}: a 4 x 4 input, conv1 2x2 with two channels and biases 0 and -1,
     * conv2 2x2 with one channel and bias -2; small integer weights, so everything is exact.
     */
    public static SmallNet tinyNet() {
        return new SmallNet(1, 4, 4, new double[] {1, 2, 0, 1, 0, 3, 1, 2, 2, 1, 1, 0, 1, 0, 2, 3}, List.of(
                new SmallNet.Block(null, Window.of(2, 1), 2, new double[] {1, -1, 0, 2, 1, 1, -1, 1}, new double[] {0, -1}),
                new SmallNet.Block(null, Window.of(2, 1), 1, new double[] {1, 0, 1, 1, 0, 1, 2, -1}, new double[] {-2})));
    }

    /** The input pixel of {@code net} with the most paths to the last conv layer (its node number in {@code A_0}). */
    public static int busiestPixel(SmallNet net) {
        long[] counts = FlowGraph.of(net, Field.RATIONAL).pathCounts();
        int best = 0;
        for (int x = 1; x < counts.length; x++) {
            if (counts[x] > counts[best]) {
                best = x;
            }
        }
        return best;
    }

    /** One path: its nodes and the three products over its edges. */
    public record PathRow(String path, Rational weights, Rational phi, Rational vbp) {
    }

    /**
     * Theorem 1 and Lemma 3 at one input pixel, every number exact.
     *
     * @param pixel        the pixel, {@code "input(c0,y1,x1)"}
     * @param value        {@code v(X)}
     * @param paths        every path from X to {@code A_L}
     * @param sumWeights   {@code sum_P prod w_e} (Definition 1 without biases)
     * @param sumPhi       {@code sum_P prod w_e a_e / (a_e + b_e)}
     * @param sumVbp       {@code sum_P prod a_e}
     * @param c            Theorem 1's constant, {@code prod_l 1/f_l}
     * @param phi          {@code phi(X) = v(X) sumPhi} (Lemma 3, eq. 3)
     * @param phiVbp       {@code phi_VBP(X) = c v(X) sumVbp} (Theorem 1, eq. 4)
     * @param vbpRaw       core's VisualBackProp before normalization at X ({@code VisualBackProp.rawMask}, channel means)
     * @param phiOnTilde   Definition 1 on Lemma 2's reweighted network Ñ at X
     */
    public record Theorem1(SmallNet net, String pixel, Rational value, List<PathRow> paths, Rational sumWeights, Rational sumPhi,
                           Rational sumVbp, Rational c, Rational phi, Rational phiVbp, Rational vbpRaw, Rational phiOnTilde) {
        /** Theorem 1 at X: core's VisualBackProp times {@code v(X)} equals {@code phi_VBP(X)}. */
        public boolean theoremHolds() {
            return vbpRaw.multiply(value).equals(phiVbp);
        }

        /** Lemma 3 at X: Definition 1 on Ñ equals eq. 3 on N. */
        public boolean lemma3Holds() {
            return phiOnTilde.equals(phi);
        }
    }

    /** Theorem 1 at input node {@code source} of {@code net} ({@link #busiestPixel} for the most paths). */
    public static Theorem1 theorem1(SmallNet net, int source) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Rational v = g.activation(0, source);
        List<PathRow> rows = new ArrayList<>();
        Rational sw = Rational.ZERO;
        Rational sp = Rational.ZERO;
        Rational sv = Rational.ZERO;
        for (FlowGraph<Rational>.Path p : g.paths(source)) {
            Rational w = p.product(Quantity.WEIGHTS);
            Rational phi = p.product(Quantity.PHI);
            Rational a = p.product(Quantity.VBP);
            rows.add(new PathRow(p.toString(), w, phi, a));
            sw = sw.add(w);
            sp = sp.add(phi);
            sv = sv.add(a);
        }
        Rational c = g.vbpConstant();
        Rational[] raw = rawMask(net, g);
        Rational tilde = g.reweighted(Lemma2Reading.TARGET).phiDefinition1()[source];
        return new Theorem1(net, g.part(0).describe(source), v, List.copyOf(rows), sw, sp, sv, c, v.multiply(sp), c.multiply(v).multiply(sv),
                raw[source % g.part(0).plane()], tilde);
    }

    /**
     * The geometry of notebook 6's symbolic proof: a 3 x 3 input, a 2x2 convolution to two channels, a 2x2 convolution
     * to one channel (1 x 1 output): small enough to read both polynomials at every pixel.
     */
    public static Geometry symbolicGeometry() {
        return new Geometry(1, 3, 3, List.of(Geometry.Layer.conv(Window.of(2, 1), 2), Geometry.Layer.conv(Window.of(2, 1), 1)));
    }

    /**
     * Theorem 1 proved on one geometry, as text: for every input pixel X, core's VisualBackProp run on free activations
     * {@code a1(c,y,x)}, {@code a2(c,y,x)} and inputs {@code v(c,y,x)} (times {@code v(X)}) beside
     * {@code phi_VBP(X) = c v(X) sum_P prod a_e} of the flow graph, both as polynomials, and whether they are the same.
     */
    public static String symbolicProofText(Geometry g) {
        SymbolicProof.Sides s = SymbolicProof.sides(g, SymbolicProof.CORE);
        StringBuilder sb = new StringBuilder();
        sb.append("Geometry: ").append(g).append("; variables: inputs v(c,y,x), activations a<l>(c,y,x); c = ")
                .append(s.field().format(s.graph().vbpConstant())).append("\n\n");
        boolean all = true;
        for (int x = 0; x < s.phi().length; x++) {
            boolean same = s.vbp()[x].equals(s.phi()[x]);
            all &= same;
            sb.append(s.graph().part(0).describe(x)).append(same ? "  identical" : "  DIFFER").append('\n');
            sb.append("  VBP(X) v(X) = ").append(s.field().format(s.vbp()[x])).append('\n');
            sb.append("  phi_VBP(X)  = ").append(s.field().format(s.phi()[x])).append('\n');
        }
        SymbolicProof.Theorem1 t = SymbolicProof.theorem1(s);
        sb.append(String.format(Locale.ROOT, "%n%s: %d variables, %d monomials over %d input pixels.%n", all && t.identity()
                ? "Theorem 1 holds for this geometry for every weight, bias and input" : "NOT AN IDENTITY", t.variables(), t.monomials(),
                s.phi().length));
        return sb.toString();
    }

    private static Rational[] rawMask(SmallNet net, FlowGraph<Rational> g) {
        return VisualBackProp.rawMask(VbpPlan.of(net.network()), g.convActivations(), Field.RATIONAL.arithmetic(), Rational[]::new);
    }

    /** The network, its activations and biases, every path and the sums, as text (what {@code vbp paths --tiny} prints). */
    public static String theorem1Text(Theorem1 t) {
        FlowGraph<Rational> g = FlowGraph.of(t.net(), Field.RATIONAL);
        StringBuilder sb = new StringBuilder();
        sb.append(t.net()).append("\n\nActivations a(v) (0 = dead) and biases b_v = -(conv bias):\n");
        for (int l = 1; l <= g.depth(); l++) {
            FlowGraph.Part p = g.part(l);
            for (int c = 0; c < p.channels(); c++) {
                StringBuilder a = new StringBuilder();
                for (int y = 0; y < p.height(); y++) {
                    a.append(y > 0 ? "; " : "");
                    for (int x = 0; x < p.width(); x++) {
                        a.append(x > 0 ? " " : "").append(g.activation(l, p.node(c, y, x)));
                    }
                }
                sb.append(String.format(Locale.ROOT, "  %s c%d: [%s], b = %s%n", p.name(), c, a, g.bias(l, p.node(c, 0, 0))));
            }
        }
        sb.append(String.format(Locale.ROOT, "%nPaths from X = %s, v(X) = %s, to %s:%n", t.pixel(), t.value(), g.part(g.depth()).name()));
        int width = t.paths().stream().mapToInt(r -> r.path().length()).max().orElse(4);
        String fmt = "%4s  %-" + width + "s %10s %18s %10s%n";
        sb.append(String.format(Locale.ROOT, fmt, "#", "path", "prod w_e", "prod w_e a/(a+b)", "prod a_e"));
        int n = 0;
        for (PathRow r : t.paths()) {
            sb.append(String.format(Locale.ROOT, fmt, ++n, r.path(), r.weights(), r.phi(), r.vbp()));
        }
        sb.append(String.format(Locale.ROOT, "%nSums over the %d paths:%n", n));
        sb.append(String.format(Locale.ROOT, "  sum prod w_e                 = %s%n", t.sumWeights()));
        sb.append(String.format(Locale.ROOT, "  sum prod w_e a_e/(a_e+b_e)   = %s  ->  phi(X) = v(X) x sum = %s   (Lemma 3, eq. 3)%n", t.sumPhi(), t.phi()));
        sb.append(String.format(Locale.ROOT, "  sum prod a_e                 = %s  ->  phi_VBP(X) = c v(X) x sum = %s, c = prod 1/f_l = %s   "
                + "(Theorem 1, eq. 4)%n", t.sumVbp(), t.phiVbp(), t.c()));
        sb.append(String.format(Locale.ROOT, "  core VisualBackProp (before normalization) at X = %s; x v(X) = %s: %s phi_VBP(X)%n", t.vbpRaw(),
                t.vbpRaw().multiply(t.value()), t.theoremHolds() ? "equals" : "DIFFERS FROM"));
        sb.append(String.format(Locale.ROOT, "  Definition 1 on Ñ (Lemma 2's reweighted net) at X = %s: %s phi(X)%n", t.phiOnTilde(),
                t.lemma3Holds() ? "equals" : "DIFFERS FROM"));
        return sb.toString();
    }

    /**
     * Theorem 1 at every input pixel, as a table: {@code v(X)}, the number of paths, {@code phi(X)} and
     * {@code phi_VBP(X)} by dynamic programming, core's VisualBackProp times {@code v(X)}, and whether they agree.
     */
    public static String theorem1AllPixels(SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Rational[] raw = rawMask(net, g);
        Rational[] phi = g.phi();
        Rational[] vbp = g.phiVbp();
        long[] counts = g.pathCounts();
        StringBuilder sb = new StringBuilder();
        String fmt = "%-18s %6s %6s %12s %14s %18s %6s%n";
        sb.append(String.format(Locale.ROOT, fmt, "pixel X", "v(X)", "paths", "phi(X)", "phi_VBP(X)", "core VBP x v(X)", "equal"));
        int equal = 0;
        for (int x = 0; x < g.part(0).size(); x++) {
            Rational v = g.activation(0, x);
            Rational core = raw[x % g.part(0).plane()].multiply(v);
            boolean eq = core.equals(vbp[x]);
            equal += eq ? 1 : 0;
            sb.append(String.format(Locale.ROOT, fmt, g.part(0).describe(x), v, counts[x], phi[x], vbp[x], core, eq ? "yes" : "NO"));
        }
        sb.append(String.format(Locale.ROOT, "Theorem 1 holds exactly at %d of %d pixels (c = %s)%n", equal, g.part(0).size(), g.vbpConstant()));
        return sb.toString();
    }

    /**
     * The erratum of Lemma 2.
     *
     * @param net            the (shrunk) counterexample
     * @param detail         the first activation the worded reading gets wrong
     * @param activations    per layer: N's activations, Ñ's with {@code a_e} of the target, Ñ's with {@code a_e} of the source
     * @param tried          how many random nets were drawn until one failed
     */
    public record Erratum(SmallNet net, String detail, String activations, int tried) {
    }

    /**
     * Draws random exact nets (as {@code vbp verify} does for the row "Erratum: Lemma 2 as worded") until Lemma 2 as
     * worded fails on one, then shrinks it greedily ({@link Verification#shrink}).
     *
     * @return the counterexample, or null when none of {@code tries} nets is one
     */
    public static Erratum lemma2Counterexample(long seed, int tries) {
        Verification.Statement s = Verification.Statement.LEMMA2_AS_WORDED;
        for (int i = 0; i < tries; i++) {
            SmallNet net = s.draw(Verification.random(seed, s, i));
            if (!s.check(net).holds()) {
                SmallNet small = Verification.shrink(net, n -> !s.check(n).holds());
                return new Erratum(small, s.check(small).detail(), activations(small), i + 1);
            }
        }
        return null;
    }

    private static String activations(SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        FlowGraph<Rational> target = g.reweighted(Lemma2Reading.TARGET);
        FlowGraph<Rational> source = g.reweighted(Lemma2Reading.SOURCE);
        StringBuilder sb = new StringBuilder();
        String fmt = "%-20s %12s %22s %22s%n";
        sb.append(String.format(Locale.ROOT, fmt, "neuron", "a in N", "Ñ, a_e of target n2", "Ñ, a_e of source n1"));
        for (int l = 1; l <= g.depth(); l++) {
            for (int v = 0; v < g.part(l).size(); v++) {
                Rational a = g.activation(l, v);
                Rational t = target.activation(l, v);
                Rational so = source.activation(l, v);
                sb.append(String.format(Locale.ROOT, fmt, g.part(l).describe(v), a, t + (t.equals(a) ? "" : " (differs)"),
                        so + (so.equals(a) ? "" : " (differs)")));
            }
        }
        return sb.toString();
    }

    /** Remark 1 on random nets, kernels 1, 3 and 5 ({@link Remark1#measureRandom(int[], int, long)}), as a table. */
    public static String remark1RandomTable(int nets, long seed) {
        return remark1Table(Remark1.measureRandom(new int[] {1, 3, 5}, nets, seed),
                "random real-valued nets of 1-4 conv layers, 1-4 channels, strides 1-2, conv biases <= 0, BatchNorm in a third; seed " + seed);
    }

    /** Summaries as a table: kernel, nets measured, mean, median, lowest, share above 0.9. */
    public static String remark1Table(List<Remark1.Summary> rows, String what) {
        StringBuilder sb = new StringBuilder();
        sb.append("Spearman's rank correlation of phi and phi_VBP over the input pixels (").append(what).append(")\n");
        String fmt = "%-8s %6s %8s %8s %8s %10s%n";
        sb.append(String.format(Locale.ROOT, fmt, "kernel", "nets", "mean", "median", "lowest", "share>0.9"));
        for (Remark1.Summary s : rows) {
            sb.append(String.format(Locale.ROOT, "%-8s %6d %8.3f %8.3f %8.3f %9.0f%%%n", s.kernel() + "x" + s.kernel(), s.defined(), s.mean(),
                    s.median(), s.lowest(), 100 * s.above09()));
        }
        return sb.toString();
    }

    // ============================================================================== Remark 1 on trained networks

    /**
     * Sizes for {@link #remark1Trained}.
     *
     * @param height       bar-frame height
     * @param width        bar-frame width
     * @param trainSamples training frames
     * @param testSamples  held-out frames (the correlation is measured on each)
     * @param epochs       training epochs
     * @param learningRate SGD learning rate (momentum 0.9, weight decay 1e-4, batch 32)
     * @param kernels      the kernel sides to compare
     * @param seed         seed of the weights, the frames and the shuffling
     */
    public record TrainedConfig(int height, int width, int trainSamples, int testSamples, int epochs, double learningRate, int[] kernels,
                                long seed) {
        public TrainedConfig {
            kernels = kernels.clone();
            if (trainSamples < 1 || testSamples < 2 || epochs < 1 || !(learningRate > 0) || kernels.length == 0) {
                throw new IllegalArgumentException("invalid config: " + trainSamples + " training and " + testSamples + " test samples, "
                        + epochs + " epochs, learning rate " + learningRate + ", " + kernels.length + " kernel sizes");
            }
        }

        @Override
        public int[] kernels() {
            return kernels.clone();
        }

        /** The notebook's size: 24 x 64 bar frames, 1500 of them, 4 epochs, 20 held-out frames, kernels 1, 3, 5. */
        public static TrainedConfig full() {
            return new TrainedConfig(24, 64, 1500, 20, 4, 0.01, new int[] {1, 3, 5}, 1);
        }

        /** CI's size: 16 x 48 bar frames, 600 of them, 2 epochs, 4 held-out frames (about 8 s). */
        public static TrainedConfig quick() {
            return new TrainedConfig(16, 48, 600, 4, 2, 0.01, new int[] {1, 3, 5}, 1);
        }

        /** {@link #quick()} when {@code VBP_QUICK} asks for it ({@link Sizes}), else {@link #full()}. */
        public static TrainedConfig fromEnvironment() {
            return fromEnvironment(System.getenv());
        }

        /** As {@link #fromEnvironment()}, reading {@code env}. */
        public static TrainedConfig fromEnvironment(java.util.Map<String, String> env) {
            return Sizes.quick(env) ? quick() : full();
        }
    }

    /**
     * One kernel size on the bar task: the correlations before and after training.
     *
     * @param kernel          kernel side
         * @param heldOutRmse     held-out RMSE of the bar position after training (the frame's width is [-1, 1])
     * @param untrained       Spearman(phi, phi_VBP) per held-out frame, freshly initialized net
     * @param trained         the same after training
     * @param trainedAbs      Spearman(|phi|, phi_VBP) after training (phi is signed, phi_VBP is not)
     * @param examplePhi      phi over the pixels of held-out frame 0, trained net
     * @param examplePhiVbp   phi_VBP over the same pixels
     */
    public record TrainedKernel(int kernel, double heldOutRmse, double[] untrained, double[] trained, double[] trainedAbs,
                                double[] examplePhi, double[] examplePhiVbp) {
    }

    /** Trains one net per kernel size on {@link BarPositions} and measures Remark 1 on held-out frames before and after. */
    public static List<TrainedKernel> remark1Trained(TrainedConfig config) {
        Objects.requireNonNull(config, "config");
        BarPositions train = BarPositions.of(config.height(), config.width(), config.trainSamples(), config.seed());
        BarPositions test = BarPositions.of(config.height(), config.width(), config.testSamples(), config.seed() ^ 0x5DEECE66DL);
        List<TrainedKernel> out = new ArrayList<>();
        for (int k : config.kernels()) {
            Network net = kernelNet(train.inputShape(), k, config.seed());
            double[][] before = correlations(net, test);
            Trainer t = new Trainer(net, Loss.mse(), Sgd.of(config.learningRate(), 0.9, 1e-4), Trainer.Config.of(config.epochs(), 32, config.seed()));
            List<TrainingListener.EpochReport> h = t.fit(train, test, null).epochs();
            double[][] after = correlations(net, test);
            out.add(new TrainedKernel(k, h.get(h.size() - 1).validationMetric(), before[0], after[0], after[1], after[2], after[3]));
        }
        return out;
    }

    /** {Spearman(phi, phi_VBP) per frame, Spearman(|phi|, phi_VBP) per frame, phi of frame 0, phi_VBP of frame 0}. */
    private static double[][] correlations(Network net, BarPositions test) {
        double[] r = new double[test.size()];
        double[] ra = new double[test.size()];
        double[] phi0 = null;
        double[] vbp0 = null;
        for (int i = 0; i < r.length; i++) {
            Tensor x = Datasets.batch(test, i, i + 1).inputs();
            FlowGraph<Double> g = FlowGraph.of(net, x);
            double[] phi = Verification.toDouble(g.field(), g.phi());
            double[] vbp = Verification.toDouble(g.field(), g.phiVbp());
            r[i] = Remark1.spearman(phi, vbp);
            double[] abs = new double[phi.length];
            for (int q = 0; q < phi.length; q++) {
                abs[q] = Math.abs(phi[q]);
            }
            ra[i] = Remark1.spearman(abs, vbp);
            if (i == 0) {
                phi0 = phi;
                vbp0 = vbp;
            }
        }
        return new double[][] {r, ra, phi0, vbp0};
    }

    /** Channels of {@link #kernelNet}'s three conv layers. */
    public static final int[] KERNEL_NET_CHANNELS = {8, 8, 16};

    /**
     * A net of the paper's block pattern (BatchNorm, conv, ReLU) with {@code k x k} kernels, all at stride 1 and without
     * padding, so that every input pixel has paths to the last conv layer whatever {@code k} is (with strides of 2, most
     * pixels of a 1x1-kernel net would have none): three conv layers of {@link #KERNEL_NET_CHANNELS} channels, a hidden
     * layer of 32 and one output (zero-initialized, as {@link org.visualbackprop.nets.PaperNets#small}'s).
     */
    public static Network kernelNet(Shape input, int k, long seed) {
        if (k < 1 || input.h() - 3 * (k - 1) < 1 || input.w() - 3 * (k - 1) < 1) {
            throw new IllegalArgumentException("three " + k + "x" + k + " convs do not fit a " + input.h() + " x " + input.w() + " input");
        }
        SplittableRandom random = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int c = input.c();
        for (int out : KERNEL_NET_CHANNELS) {
            layers.add(BatchNorm2d.of(c));
            layers.add(Conv2d.of(c, out, Window.of(k, 1), random));
            layers.add(ReLU.of());
            c = out;
        }
        int h = input.h() - 3 * (k - 1);
        int w = input.w() - 3 * (k - 1);
        layers.add(Flatten.of());
        layers.add(Dense.of(c * h * w, 32, random));
        layers.add(ReLU.of());
        Dense head = Dense.of(32, 1, random);
        head.weight().value().fillInPlace(0f);
        layers.add(head);
        return Network.of(input, layers);
    }

    /** Summaries of {@link #remark1Trained} as a table: kernel, conv layers, held-out RMSE, correlations untrained and trained. */
    public static String remark1TrainedTable(List<TrainedKernel> rows, TrainedConfig config) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Spearman's rank correlation of phi and phi_VBP over the input pixels of %d held-out %d x %d bar "
                + "frames (three conv layers of %s channels at stride 1, trained %d epochs on %d frames)%n", config.testSamples(), config.height(), config.width(),
                java.util.Arrays.toString(KERNEL_NET_CHANNELS), config.epochs(), config.trainSamples()));
        String fmt = "%-7s %7s | %18s | %18s | %22s%n";
        sb.append(String.format(Locale.ROOT, fmt, "kernel", "RMSE", "untrained mean/med", "trained mean/med", "|phi| trained mean/med"));
        for (TrainedKernel t : rows) {
            sb.append(String.format(Locale.ROOT, fmt, t.kernel() + "x" + t.kernel(), String.format(Locale.ROOT, "%.3f", t.heldOutRmse()),
                    pair(t.untrained()), pair(t.trained()), pair(t.trainedAbs())));
        }
        sb.append("(RMSE: held-out error of the bar's position, the frame's width being [-1, 1]; a constant guess scores about 0.58)\n");
        return sb.toString();
    }

    private static String pair(double[] v) {
        double[] ok = java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray();
        return String.format(Locale.ROOT, "%.3f / %.3f", Panels.mean(ok), Panels.median(ok));
    }

    /**
     * The rank of phi against the rank of phi_VBP over the pixels of one held-out frame, one series per kernel size
     * (trained nets), ranks scaled to [0, 1] (ties share their mean rank): Spearman's correlation is the Pearson
     * correlation of these points, and a near-monotonic relation puts them on the rising diagonal.
     */
    public static XYChart remark1Scatter(List<TrainedKernel> rows) {
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Remark 1 on trained nets: rank of phi against rank of phi_VBP, "
                        + "one held-out frame").xAxisTitle("rank of phi_VBP(X) / pixels").yAxisTitle("rank of phi(X) / pixels").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        for (TrainedKernel t : rows) {
            double[] x = scaledRanks(t.examplePhiVbp());
            double[] y = scaledRanks(t.examplePhi());
            chart.addSeries(String.format(Locale.ROOT, "%dx%d kernels (Spearman %.2f)", t.kernel(), t.kernel(),
                    Remark1.spearman(t.examplePhi(), t.examplePhiVbp())), x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    /** Ranks 1..n (ties: their mean rank) divided by n. */
    static double[] scaledRanks(double[] v) {
        int n = v.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(v[a], v[b]));
        double[] r = new double[n];
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && Double.compare(v[order[j + 1]], v[order[i]]) == 0) {
                j++;
            }
            for (int k = i; k <= j; k++) {
                r[order[k]] = ((i + j) / 2.0 + 1) / n;
            }
            i = j + 1;
        }
        return r;
    }
}
