package org.visualbackprop.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.FlowGraph.Quantity;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.tensor.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * {@code vbp paths --tiny}: Theorem 1 and Lemma 3 by hand on a tiny network, in exact rational arithmetic: every path
 * from one input pixel to the last conv layer with its products, then the sums, phi (eq. 3), phi_VBP (eq. 4) and
 * core's VisualBackProp at that pixel.
 */
@Command(name = "paths", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List every path from one input pixel of a tiny network to its last conv layer, with each path's products "
                + "(prod w_e, prod w_e a_e/(a_e+b_e), prod a_e), and the sums: phi (Lemma 3, eq. 3), phi_VBP (Theorem 1, eq. 4) "
                + "and core's VisualBackProp at that pixel, all in exact rational arithmetic."})
final class PathsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--tiny", required = true, description = "The tiny network (required: the only network this command lists).")
    boolean tiny;

    @Option(names = "--pixel", paramLabel = "Y,X", description = "Input pixel row,column (default: the one with the most paths).")
    String pixel;

    @Option(names = "--channel", paramLabel = "C", defaultValue = "0", description = "Input channel (default: ${DEFAULT-VALUE}).")
    int channel;

    @Option(names = "--seed", paramLabel = "S", description = "A random tiny network from this seed instead of the built-in one.")
    Long seed;

    @Option(names = "--max-paths", paramLabel = "N", defaultValue = "200", description = "Print at most N paths (default: ${DEFAULT-VALUE}); the sums count all.")
    int maxPaths;

    /**
     * The built-in network: a 4 x 4 input, conv1 2x2 with two channels and biases 0 and -1, conv2 2x2 with one channel
     * and bias -2; small integer weights, so everything is exact.
     */
    static SmallNet builtIn() {
        return new SmallNet(1, 4, 4, new double[] {1, 2, 0, 1, 0, 3, 1, 2, 2, 1, 1, 0, 1, 0, 2, 3}, List.of(
                new SmallNet.Block(null, Window.of(2, 1), 2, new double[] {1, -1, 0, 2, 1, 1, -1, 1}, new double[] {0, -1}),
                new SmallNet.Block(null, Window.of(2, 1), 1, new double[] {1, 0, 1, 1, 0, 1, 2, -1}, new double[] {-2})));
    }

    @Override
    public Integer call() {
        SmallNet net = seed == null ? builtIn() : SmallNet.random(new SplittableRandom(seed),
                new SmallNet.Options(2, 1, 2, 1, 1, 2, 4, 1, true, SmallNet.Biases.NON_NEGATIVE_B, 0.0));
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        FlowGraph.Part in = g.part(0);
        int source;
        if (pixel == null) {
            long[] counts = g.pathCounts();
            source = 0;
            for (int x = 0; x < counts.length; x++) {
                if (counts[x] > counts[source]) {
                    source = x;
                }
            }
        } else {
            int[] yx = parsePixel(pixel);
            if (yx == null || yx[0] < 0 || yx[0] >= in.height() || yx[1] < 0 || yx[1] >= in.width()
                    || channel < 0 || channel >= in.channels()) {
                throw new ParameterException(spec.commandLine(), "--pixel must be Y,X inside the " + in.height() + " x " + in.width()
                        + " input and --channel below " + in.channels() + ", got '" + pixel + "' channel " + channel);
            }
            source = in.node(channel, yx[0], yx[1]);
        }
        print(net, g, source, System.out);
        return 0;
    }

    /** {@code "Y,X"} as two ints, or null. */
    private static int[] parsePixel(String s) {
        String[] parts = s.split(",");
        if (parts.length != 2) {
            return null;
        }
        try {
            return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void print(SmallNet net, FlowGraph<Rational> g, int source, PrintStream out) {
        out.println(net);
        out.println();
        out.println("Activations a(v) (0 = dead) and biases b_v = -(conv bias):");
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
                out.printf(Locale.ROOT, "  %s c%d: [%s], b = %s%n", p.name(), c, a, g.bias(l, p.node(c, 0, 0)));
            }
        }
        Rational v = g.activation(0, source);
        out.println();
        out.printf(Locale.ROOT, "Paths from X = %s, v(X) = %s, to %s:%n", g.part(0).describe(source), v, g.part(g.depth()).name());
        int width = g.part(0).describe(g.part(0).size() - 1).length();
        for (int l = 1; l <= g.depth(); l++) {
            width += 4 + g.part(l).describe(g.part(l).size() - 1).length();
        }
        String fmt = "%4s  %-" + width + "s %12s %18s %12s%n";
        out.printf(Locale.ROOT, fmt, "#", "path", "prod w_e", "prod w_e a/(a+b)", "prod a_e");
        int n = 0;
        Rational sw = Rational.ZERO;
        Rational sphi = Rational.ZERO;
        Rational svbp = Rational.ZERO;
        for (FlowGraph<Rational>.Path p : g.paths(source)) {
            n++;
            Rational w = p.product(Quantity.WEIGHTS);
            Rational phi = p.product(Quantity.PHI);
            Rational vbp = p.product(Quantity.VBP);
            sw = sw.add(w);
            sphi = sphi.add(phi);
            svbp = svbp.add(vbp);
            if (n <= maxPaths) {
                out.printf(Locale.ROOT, fmt, n, p, w, phi, vbp);
            }
        }
        if (n > maxPaths) {
            out.printf(Locale.ROOT, "  ... %d more paths not printed (--max-paths)%n", n - maxPaths);
        }
        Rational c = g.vbpConstant();
        Rational phiX = v.multiply(sphi);
        Rational vbpX = c.multiply(v).multiply(svbp);
        Rational[] raw = VisualBackProp.rawMask(VbpPlan.of(net.network()), g.convActivations(), Field.RATIONAL.arithmetic(), Rational[]::new);
        Rational rawX = raw[source % g.part(0).plane()];
        out.println();
        out.printf(Locale.ROOT, "Sums over the %d paths (enumerated; dynamic programming counts %d):%n", n, g.pathCounts()[source]);
        out.printf(Locale.ROOT, "  sum prod w_e                 = %s%n", sw);
        out.printf(Locale.ROOT, "  sum prod w_e a_e/(a_e+b_e)   = %s   -> phi(X) = v(X) x sum = %s   (Lemma 3, eq. 3)%n", sphi, phiX);
        out.printf(Locale.ROOT, "  sum prod a_e                 = %s   -> phi_VBP(X) = c v(X) x sum = %s, c = prod 1/f_l = %s   (Theorem 1, eq. 4)%n",
                svbp, vbpX, c);
        out.printf(Locale.ROOT, "  dynamic programming: phi(X) = %s, phi_VBP(X) = %s; sparse matrices (double): %.6g, %.6g%n",
                g.phi()[source], g.phiVbp()[source], v.toDouble() * g.pathSumsBySparseMatrices(Quantity.PHI)[source],
                c.toDouble() * v.toDouble() * g.pathSumsBySparseMatrices(Quantity.VBP)[source]);
        out.printf(Locale.ROOT, "  core VisualBackProp raw mask at X = %s; x v(X) = %s: %s phi_VBP(X)%n", rawX, rawX.multiply(v),
                rawX.multiply(v).equals(vbpX) ? "equals" : "DIFFERS FROM");
        out.printf(Locale.ROOT, "  Definition 1 on Ñ (Lemma 2's reweighted net) at X = %s: %s phi(X)%n",
                g.reweighted(Lemma2Reading.TARGET).phiDefinition1()[source],
                g.reweighted(Lemma2Reading.TARGET).phiDefinition1()[source].equals(phiX) ? "equals" : "DIFFERS FROM");
    }
}
