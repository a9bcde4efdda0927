package org.visualbackprop.flowgraph.symbolic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.FlowGraph.Lemma2Reading;
import org.visualbackprop.flowgraph.Rational;

/**
 * {@code vbp verify --symbolic}: every geometry of a {@link GeometryClass}, each statement proved on each (see
 * {@link SymbolicProof}), tabulated. Library code: it does not print.
 */
public final class SymbolicRun {
    private SymbolicRun() {
    }

    /** The statements, in the table's order. */
    public enum Statement {
        THEOREM1("Theorem 1: VBP raw x v(X) = phi_VBP(X), c = prod 1/f_l"),
        LEMMA1("Lemma 1: degree = covering windows x f_l"),
        LEMMA2("Lemma 2 (a_e of target n2): Ñ reproduces activations"),
        LEMMA2_AS_WORDED("Erratum: Lemma 2 as worded (a_e of n1) fails"),
        LEMMA3("Lemma 3: Definition 1 on Ñ = eq. (3) on N"),
        CONSERVATION("Conservation: sum_X phi(X) = sum_{A_L} a(v)"),
        GRADIENT("Bias-free: phi = v(X) x gradient of sum a(A_L)");

        private final String claim;

        Statement(String claim) {
            this.claim = claim;
        }

        public String claim() {
            return claim;
        }

        /** True for the erratum: the row holds when the statement fails on some geometry. */
        public boolean existential() {
            return this == LEMMA2_AS_WORDED;
        }

        /** True for the statements checked per ReLU pattern on the small nets. */
        public boolean perPattern() {
            return this != THEOREM1 && this != LEMMA1;
        }
    }

    /**
     * What to prove.
     *
     * @param geometries the class for Theorem 1 and Lemma 1
     * @param maxUnits   Lemmas 2-3 and the corollaries on the geometries of the class without pooling that have at most
     *                   this many conv neurons (every one of their {@code 2^units} ReLU patterns)
     * @param threads    worker threads
     */
    public record Options(GeometryClass geometries, int maxUnits, int threads) {
        /** The default number of conv neurons of the nets whose ReLU patterns are enumerated. */
        public static final int DEFAULT_MAX_UNITS = 2;

        /** The default class, nets of up to {@link #DEFAULT_MAX_UNITS} units for the patterns, every processor. */
        public static Options defaults() {
            return new Options(GeometryClass.DEFAULT, DEFAULT_MAX_UNITS, Runtime.getRuntime().availableProcessors());
        }

        public Options {
            if (maxUnits < 1 || maxUnits > 16) {
                throw new IllegalArgumentException("maxUnits must be 1 .. 16 (2^units patterns each), got " + maxUnits);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, got " + threads);
            }
        }
    }

    /**
     * One row of the table.
     *
     * @param geometries geometries the statement was proved on
     * @param patterns   ReLU patterns (per-pattern statements), else 0
     * @param terms      Theorem 1: monomials of phi_VBP over all geometries and input neurons; Lemma 1: edges
     * @param holds      the verdict (for the erratum: it fails on some geometry)
     * @param geometry   the first (smallest) geometry where the statement is not an identity, or null
     * @param detail     what differs there (a monomial and its coefficients, or two rational functions), or null
     * @param millis     wall-clock time of the statement's share of the work
     */
    public record Row(Statement statement, int geometries, long patterns, long terms, boolean holds, Geometry geometry,
                      String detail, long millis) {
    }

    /**
     * The table.
     *
     * @param structures     distinct graph structures among the small nets of the per-pattern rows (each proved once)
     * @param erratumWitness small values at which Lemma 2 as worded visibly fails on its smallest geometry, or null
     */
    public record Report(Options options, List<Row> rows, int structures, String erratumWitness, long millis) {
        public boolean allHold() {
            return rows.stream().allMatch(Row::holds);
        }

        public Row row(Statement s) {
            return rows.stream().filter(r -> r.statement() == s).findFirst().orElseThrow();
        }
    }

    /** Proves every statement on every geometry of the class; hands each row to {@code onRow} as it is done. */
    public static Report run(Options options, Consumer<Row> onRow) {
        return run(options, SymbolicProof.CORE, onRow);
    }

    /** As {@link #run(Options, Consumer)} with another VisualBackProp side (for planted errors). */
    public static Report run(Options options, SymbolicProof.VbpSide vbp, Consumer<Row> onRow) {
        long start = System.nanoTime();
        List<Geometry> all = options.geometries().enumerate();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "vbp-symbolic");
            t.setDaemon(true);
            return t;
        });
        List<Row> rows = new ArrayList<>();
        String witness = null;
        int distinct = 0;
        try {
            // Theorem 1 and Lemma 1, every geometry
            long t0 = System.nanoTime();
            List<T1> t1 = map(pool, options.threads(), all, g -> {
                SymbolicProof.Sides s = SymbolicProof.sides(g, vbp);
                SymbolicProof.Theorem1 r = SymbolicProof.theorem1(s);
                return new T1(r, SymbolicProof.lemma1(s), s.graph().edgeCount());
            });
            long ms = (System.nanoTime() - t0) / 1_000_000;
            long monomials = 0;
            long edges = 0;
            T1 thFail = null;
            T1 l1Fail = null;
            for (T1 r : t1) {
                monomials += r.theorem1().monomials();
                edges += r.edges();
                thFail = thFail == null && !r.theorem1().identity() ? r : thFail;
                l1Fail = l1Fail == null && !r.lemma1() ? r : l1Fail;
            }
            add(rows, onRow, new Row(Statement.THEOREM1, all.size(), 0, monomials, thFail == null,
                    thFail == null ? null : thFail.theorem1().geometry(), thFail == null ? null : thFail.theorem1().difference(), ms));
            add(rows, onRow, new Row(Statement.LEMMA1, all.size(), 0, edges, l1Fail == null,
                    l1Fail == null ? null : l1Fail.theorem1().geometry(), l1Fail == null ? null : "a degree differs from the windows counted", 0));
            // Lemmas 2-3 and the corollaries, every pattern of the small nets
            List<Geometry> small = all.stream().filter(g -> !g.hasPooling() && g.hiddenUnits() <= options.maxUnits()).toList();
            t0 = System.nanoTime();
            // each structure once (SymbolicProof.structure), represented by its smallest geometry
            List<String> structures = map(pool, options.threads(), small, SymbolicProof::structure);
            java.util.Map<String, Geometry> firstOf = new java.util.LinkedHashMap<>();
            for (int i = 0; i < small.size(); i++) {
                firstOf.putIfAbsent(structures.get(i), small.get(i));
            }
            List<Geometry> reps = new ArrayList<>(firstOf.values());
            List<SymbolicProof.Lemmas> lemmas = map(pool, options.threads(), reps, SymbolicProof::lemmas);
            ms = (System.nanoTime() - t0) / 1_000_000;
            long patterns = lemmas.stream().mapToLong(SymbolicProof.Lemmas::patterns).sum();
            distinct = reps.size();
            for (Statement s : new Statement[] {Statement.LEMMA2, Statement.LEMMA2_AS_WORDED, Statement.LEMMA3,
                    Statement.CONSERVATION, Statement.GRADIENT}) {
                SymbolicProof.Lemmas fail = null;
                for (SymbolicProof.Lemmas r : lemmas) {
                    if (!holds(s, r)) {
                        fail = r;
                        break;
                    }
                }
                boolean holds = s.existential() ? fail != null : fail == null;
                String detail = fail == null ? null : s.existential() ? fail.wordedDifference() : fail.firstDifference();
                add(rows, onRow, new Row(s, small.size(), patterns, 0, holds, fail == null ? null : fail.geometry(), detail,
                        s == Statement.LEMMA2 ? ms : 0));
                if (s.existential() && fail != null) {
                    witness = witness(fail);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Report(options, rows, distinct, witness, (System.nanoTime() - start) / 1_000_000);
    }

    private record T1(SymbolicProof.Theorem1 theorem1, boolean lemma1, long edges) {
    }

    private static boolean holds(Statement s, SymbolicProof.Lemmas r) {
        return switch (s) {
            case LEMMA2 -> r.lemma2();
            case LEMMA2_AS_WORDED -> r.lemma2AsWorded();
            case LEMMA3 -> r.lemma3();
            case CONSERVATION -> r.conservation();
            case GRADIENT -> r.gradient();
            default -> throw new IllegalArgumentException(s.toString());
        };
    }

    private static void add(List<Row> rows, Consumer<Row> onRow, Row r) {
        rows.add(r);
        onRow.accept(r);
    }

    /** Values at which the worded Lemma 2 visibly fails on the erratum's geometry and pattern, as text. */
    private static String witness(SymbolicProof.Lemmas fail) {
        Geometry g = fail.geometry();
        RationalFunctionField rf = RationalFunctionField.over(PolynomialField.of(SymbolicProof.parameterVariables(g, true)));
        SymbolicProof.Patterned n = SymbolicProof.patterned(g, rf, true, fail.wordedPattern());
        FlowGraph<RationalFunction> literal = n.graph().reweighted(Lemma2Reading.SOURCE);
        Rational[] point = SymbolicProof.witness(n, p -> {
            for (int l = 1; l <= literal.depth(); l++) {
                for (int v = 0; v < literal.part(l).size(); v++) {
                    if (!rf.evaluate(literal.activation(l, v), p).equals(rf.evaluate(n.graph().activation(l, v), p))) {
                        return true;
                    }
                }
            }
            return false;
        }, new SplittableRandom(20170502L), 2000);
        if (point == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < point.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(rf.polynomials().name(i)).append(" = ").append(point[i]);
        }
        sb.append(": ");
        for (int l = 1; l <= literal.depth(); l++) {
            for (int v = 0; v < literal.part(l).size(); v++) {
                sb.append(l + v == 1 ? "" : "; ").append(literal.part(l).describe(v)).append(" N ")
                        .append(rf.evaluate(n.graph().activation(l, v), point)).append(", Ñ as worded ")
                        .append(rf.evaluate(literal.activation(l, v), point));
            }
        }
        return sb.toString();
    }

    /** {@code f} over {@code items} on the pool, results in the items' order. */
    private static <A, B> List<B> map(ExecutorService pool, int threads, List<A> items, Function<A, B> f) {
        int chunks = Math.min(items.size(), threads * 16);
        List<Future<List<B>>> parts = new ArrayList<>();
        for (int c = 0; c < chunks; c++) {
            int from = (int) ((long) items.size() * c / chunks);
            int to = (int) ((long) items.size() * (c + 1) / chunks);
            parts.add(pool.submit(() -> {
                List<B> out = new ArrayList<>(to - from);
                for (int i = from; i < to; i++) {
                    try {
                        out.add(f.apply(items.get(i)));
                    } catch (RuntimeException e) {
                        throw new IllegalStateException("on geometry " + items.get(i) + ": " + e, e);
                    }
                }
                return out;
            }));
        }
        List<B> out = new ArrayList<>(items.size());
        for (Future<List<B>> p : parts) {
            try {
                out.addAll(p.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }
}
