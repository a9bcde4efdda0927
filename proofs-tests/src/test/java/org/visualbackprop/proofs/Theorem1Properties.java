package org.visualbackprop.proofs;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.flowgraph.Verification;

/**
 * Theorem 1 (Section 4; proof in the Supplement, section 10): VisualBackProp computes
 * {@code phi_VBP(X) = c v(X) sum_P prod_(e in P) a_e} (eq. 4). With the channel means of Section 3 and no
 * normalization, {@code c = prod_l 1/f_l} exactly, for any kernels, strides, padding and biases. Checked against
 * core's own VisualBackProp: exactly in rationals (its generic {@code rawMask}; {@link Verification#theorem1Exact}),
 * and in float32 ({@code explain(trace).inputWeighted()}; {@link Verification#theorem1Float}) within
 * {@link Tolerances#FLOAT32}: the statements {@code vbp verify} checks, on jqwik's nets, with its shrinking.
 */
class Theorem1Properties {

    @Provide
    Arbitrary<SmallNet> exactNets() {
        return Nets.integers(Nets.Bias.ANY, true);
    }

    @Provide
    Arbitrary<SmallNet> realNets() {
        return Nets.reals(Nets.Space.LARGER, Nets.Bias.ANY, true);
    }

    /**
     * Theorem 1 exactly: core's VBP raw mask (in rationals, fed the exact activations) times v(X) is phi_VBP(X). The
     * coverage check makes sure most nets have live units in the last layer (not a vacuous 0 = 0).
     */
    @Property(seed = Proofs.SEED, tries = 1000)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void vbpRawMaskTimesInputEqualsPhiVbpExactly(@ForAll("exactNets") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Proofs.assertHolds(Verification.theorem1Exact(g, VbpPlan.of(net.network())), net);
        Statistics.label("last layer").collect(g.totalOutput().signum() > 0 ? "some unit on" : "all dead");
        Statistics.label("last layer").coverage(c -> c.check("some unit on").percentage(p -> p > 50));
    }

    /** The exact forward pass and core's float32 one agree, so both sides see the same units on and off. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void exactForwardPassAgreesWithCoreFloatForwardPass(@ForAll("exactNets") SmallNet net) {
        Proofs.assertHolds(Verification.forwardAgrees(net), net);
    }

    /** Theorem 1 in float32 on larger nets: core's VBP input-weighted mask is phi_VBP computed by paths in double. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void coreFloatVbpTimesInputEqualsPhiVbpWithinTolerance(@ForAll("realNets") SmallNet net) {
        Proofs.assertHolds(Verification.theorem1Float(net), net);
    }
}
