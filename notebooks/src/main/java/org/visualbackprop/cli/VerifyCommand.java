package org.visualbackprop.cli;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.flowgraph.Remark1;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.flowgraph.Verification;
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
                "Prints a table; exits with 1 when any statement fails."})
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

    @Override
    public Integer call() {
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

    private static String indent(String s) {
        return "  " + s.replace("\n", "\n  ");
    }
}
