package org.visualbackprop.cli;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.flowgraph.Remark1;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.flowgraph.Verification;
import org.visualbackprop.flowgraph.symbolic.GeometryClass;
import org.visualbackprop.flowgraph.symbolic.SymbolicRun;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vbp verify}: the statements of Section 4 (Lemmas 1-3, Theorem 1, the erratum of Lemma 2, the corollaries of
 * docs/paper-notes.md, section 3) checked on many seeded random networks, as a table; exit status 1 when any fails.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Check Section 4 of the paper on random networks: Lemma 1, Theorem 1, Lemmas 2 and 3 (and the erratum of "
                + "Lemma 2 as worded), and the corollaries (conservation, phi = LRP z-rule without bias, phi = gradient x input).",
                "Exact tier: small integer nets in rational arithmetic, checked for equality. Float tier: core's float32 code "
                        + "against the flow graph in double, within " + Tolerances.FLOAT32 + " of the largest magnitude.",
                "Prints a table; exits with 1 when any statement fails.",
                "With --symbolic: proves the statements on every network geometry of a bounded class instead (exit 1 when one is not an identity)."})
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--tries", paramLabel = "N", defaultValue = "1000", description = "Random nets per statement (default: ${DEFAULT-VALUE}).")
    int tries;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "" + Verification.Options.DEFAULT_SEED,
            description = "Seed of the random nets (default: ${DEFAULT-VALUE}).")
    long seed;

    @ArgGroup(exclusive = true)
    TierChoice tier;

    static final class TierChoice {
        @Option(names = "--exact", description = "Only the exact tier (rational arithmetic).")
        boolean exact;

        @Option(names = "--float", description = "Only the float tier (core float32 against double).")
        boolean floating;
    }

    @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: the number of processors).")
    Integer threads;

    @Option(names = "--remark1", description = "Also measure Remark 1 (reported, not asserted): Spearman's rank correlation "
            + "between phi and phi_VBP over the input neurons of random nets, for kernel sizes 1, 3 and 5.")
    boolean remark1;

    @Option(names = "--remark1-nets", paramLabel = "N", defaultValue = "300", description = "Nets per kernel size for --remark1 (default: ${DEFAULT-VALUE}).")
    int remark1Nets;

    @Option(names = "--symbolic", description = "Prove instead of sample: every geometry of a bounded class (the options below), "
            + "Theorem 1 as an identity of polynomials in free activations (core's VisualBackProp in polynomial arithmetic "
            + "against phi_VBP of the flow graph), Lemma 1 per geometry, and Lemmas 2-3 and the corollaries as identities of "
            + "rational functions in the weights, biases and inputs for every ReLU pattern of the smallest nets.")
    boolean symbolic;

    @Option(names = "--max-depth", paramLabel = "D", description = "--symbolic: conv layers 1 .. D (default: 2).")
    Integer maxDepth;

    @Option(names = "--max-kernel", paramLabel = "K", description = "--symbolic: kernel side 1 .. K per axis (default: 3).")
    Integer maxKernel;

    @Option(names = "--max-stride", paramLabel = "S", description = "--symbolic: stride 1 .. S per axis (default: 2).")
    Integer maxStride;

    @Option(names = "--max-padding", paramLabel = "P", description = "--symbolic: padding 0 .. P per axis, below the kernel (default: 1).")
    Integer maxPadding;

    @Option(names = "--max-size", paramLabel = "N", description = "--symbolic: input height and width 1 .. N (default: 3).")
    Integer maxSize;

    @Option(names = "--max-channels", paramLabel = "F", description = "--symbolic: channels 1 .. F per conv layer (default: 2).")
    Integer maxChannels;

    @Option(names = "--max-in-channels", paramLabel = "C", description = "--symbolic: input channels 1 .. C (default: 1).")
    Integer maxInChannels;

    @Option(names = "--square-windows", description = "--symbolic: kernel, stride and padding the same on both axes (default: each axis on its own).")
    boolean squareWindows;

    @Option(names = "--no-pooling", description = "--symbolic: leave out the geometries with a max-pooling layer between conv layers.")
    boolean noPooling;

    @Option(names = "--max-units", paramLabel = "U", description = "--symbolic: Lemmas 2-3 and the corollaries on the nets of the "
            + "class without pooling that have at most U conv neurons, each of their 2^U ReLU patterns (default: "
            + SymbolicRun.Options.DEFAULT_MAX_UNITS + ").")
    Integer maxUnits;

    @Override
    public Integer call() {
        if (symbolic) {
            return symbolic(System.out);
        }
        EnumSet<Verification.Tier> tiers = tier == null ? EnumSet.allOf(Verification.Tier.class)
                : tier.exact ? EnumSet.of(Verification.Tier.EXACT) : EnumSet.of(Verification.Tier.FLOAT);
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        Verification.Options options = new Verification.Options(tries, seed, tiers, t);
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "Section 4 on %,d random nets per statement (seed %d, %d thread%s)%n%n", tries, seed, t, t == 1 ? "" : "s");
        String fmt = "%-62s %7s  %-18s %-22s %s%n";
        out.printf(Locale.ROOT, fmt, "Statement", "Nets", "Arithmetic", "Largest deviation", "Verdict");
        out.println("-".repeat(122));
        long start = System.nanoTime();
        List<Verification.Row> rows = Verification.run(options, row -> {
            out.printf(Locale.ROOT, fmt, row.statement().claim(), String.format(Locale.ROOT, "%,d", row.nets()), row.statement().tier().label(),
                    deviation(row), verdict(row));
            out.flush();
        });
        out.println("-".repeat(122));
        long failed = rows.stream().filter(r -> !r.holds()).count();
        out.printf(Locale.ROOT, "%d of %d statements hold (%.1f s)%n", rows.size() - failed, rows.size(), (System.nanoTime() - start) / 1e9);
        for (Verification.Row row : rows) {
            if (row.statement().existential() && row.example() != null) {
                out.println();
                out.println("Erratum of Lemma 2: the smallest counterexample found (shrunk), where a_e = a(n1) does not reproduce N:");
                out.println(indent(row.example().toString()));
                out.println("  " + row.exampleDetail());
            } else if (!row.holds() && row.example() != null) {
                out.println();
                out.println("FAILS: " + row.statement().claim() + " (" + row.failures() + " nets), the smallest:");
                out.println(indent(row.example().toString()));
                out.println("  " + row.exampleDetail());
            }
        }
        if (remark1) {
            printRemark1(out);
        }
        return failed == 0 ? 0 : 1;
    }

    private static String deviation(Verification.Row row) {
        if (row.statement().existential()) {
            return String.format(Locale.ROOT, "%,d of %,d differ", row.failures(), row.nets());
        }
        if (row.statement().tier() == Verification.Tier.EXACT && row.largestDeviation() == 0) {
            return "0 (exact)";
        }
        return String.format(Locale.ROOT, "%.2e", row.largestDeviation());
    }

    private static String verdict(Verification.Row row) {
        if (row.statement().existential()) {
            return row.holds() ? "holds (counterexample)" : "FAILS (none found)";
        }
        return row.holds() ? "holds" : String.format(Locale.ROOT, "FAILS on %,d", row.failures());
    }

    private void printRemark1(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "Remark 1, measured: Spearman's rank correlation of phi and phi_VBP over the input neurons, %d random nets per kernel size%n",
                remark1Nets);
        out.println("(real-valued nets of 1-4 conv layers with k x k kernels, strides 1-2, 1-4 channels, conv biases <= 0, BatchNorm in a third; seed " + seed + ")");
        String fmt = "%-8s %8s %8s %8s %8s %10s%n";
        out.printf(Locale.ROOT, fmt, "Kernel", "Nets", "Mean", "Median", "Lowest", "Share>0.9");
        for (Remark1.Summary s : Remark1.measureRandom(new int[] {1, 3, 5}, remark1Nets, seed)) {
            out.printf(Locale.ROOT, "%-8s %8d %8.3f %8.3f %8.3f %9.0f%%%n", s.kernel() + "x" + s.kernel(), s.defined(), s.mean(), s.median(),
                    s.lowest(), 100 * s.above09());
        }
        out.println("(nets whose phi or phi_VBP is constant, e.g. all units of the last layer dead, are left out)");
    }

    private int symbolic(PrintStream out) {
        GeometryClass d = GeometryClass.DEFAULT;
        GeometryClass cls = new GeometryClass(or(maxDepth, d.maxDepth()), or(maxKernel, d.maxKernel()), or(maxStride, d.maxStride()),
                or(maxPadding, d.maxPadding()), or(maxSize, d.maxSize()), or(maxChannels, d.maxChannels()),
                or(maxInChannels, d.maxInChannels()), squareWindows, !noPooling);
        int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        SymbolicRun.Options options = new SymbolicRun.Options(cls, or(maxUnits, SymbolicRun.Options.DEFAULT_MAX_UNITS), t);
        out.println("Section 4 proved symbolically on every geometry of the class: " + cls.describe());
        out.printf(Locale.ROOT, "(Lemmas 2-3 and the corollaries: the nets of the class without pooling with at most %d conv neurons, "
                + "every ReLU pattern; %d thread%s)%n%n", options.maxUnits(), t, t == 1 ? "" : "s");
        String fmt = "%-58s %10s %10s %15s %9s  %s%n";
        out.printf(Locale.ROOT, fmt, "Statement", "Geometries", "Patterns", "Monomials/edges", "Time", "Verdict");
        out.println("-".repeat(122));
        SymbolicRun.Report report = SymbolicRun.run(options, row -> {
            SymbolicRun.Statement s = row.statement();
            String verdict = s.existential() ? (row.holds() ? "fails, as it should (erratum)" : "IS AN IDENTITY (erratum not found)")
                    : row.holds() ? "identity (proved)" : "NOT AN IDENTITY";
            out.printf(Locale.ROOT, fmt, s.claim(), String.format(Locale.ROOT, "%,d", row.geometries()),
                    s.perPattern() ? String.format(Locale.ROOT, "%,d", row.patterns()) : "-",
                    s.perPattern() ? "-" : String.format(Locale.ROOT, "%,d", row.terms()),
                    row.millis() == 0 ? "" : String.format(Locale.ROOT, "%.1f s", row.millis() / 1e3), verdict);
            out.flush();
        });
        out.println("-".repeat(122));
        long failed = report.rows().stream().filter(r -> !r.holds()).count();
        out.printf(Locale.ROOT, "%d of %d statements as expected (%.1f s); the per-pattern rows proved %,d distinct graph structures%n",
                report.rows().size() - failed, report.rows().size(), report.millis() / 1e3, report.structures());
        for (SymbolicRun.Row row : report.rows()) {
            if (row.geometry() == null) {
                continue;
            }
            out.println();
            if (row.statement().existential()) {
                out.println("Erratum of Lemma 2: as worded (a_e the activation of the edge's source) it is not an identity; smallest geometry:");
                out.println("  " + row.geometry());
                out.println("  " + row.detail());
                if (report.erratumWitness() != null) {
                    out.println("  for instance " + report.erratumWitness());
                }
            } else {
                out.println("NOT AN IDENTITY: " + row.statement().claim() + "; first geometry:");
                out.println("  " + row.geometry());
                out.println("  " + row.detail());
            }
        }
        if (failed == 0) {
            out.println();
            out.println("Proved: for every network of this class (every weight, bias and input), VisualBackProp's raw mask times v(X)");
            out.println("equals phi_VBP(X) with c = prod 1/f_l, and Lemma 1 holds; for every net of the class without pooling with at most "
                    + options.maxUnits() + " conv neurons,");
            out.println("Lemma 2 (corrected), Lemma 3, conservation and (without biases) phi = v(X) x gradient hold wherever every active unit");
            out.println("has z(v) != 0 (b_v >= 0). Not proved: larger geometries, other layers (residual connections, BatchNorm as such).");
        }
        return failed == 0 ? 0 : 1;
    }

    private static int or(Integer v, int otherwise) {
        return v == null ? otherwise : v;
    }

    private static String indent(String s) {
        return "  " + s.replace("\n", "\n  ");
    }
}
