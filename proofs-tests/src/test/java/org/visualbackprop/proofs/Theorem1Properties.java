package org.visualbackprop.proofs;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import org.visualbackprop.explain.VbpPlan;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.flowgraph.Field;
import org.visualbackprop.flowgraph.FlowGraph;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.flowgraph.Tolerances;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Theorem 1 (Section 4; proof in the Supplement, section 10): VisualBackProp computes
 * {@code phi_VBP(X) = c v(X) sum_P prod_(e in P) a_e} (eq. 4). With the channel means of Section 3 and no
 * normalization, {@code c = prod_l 1/f_l} exactly (PAPER-NOTES section 3), for any kernels, strides, padding and
 * biases. Checked against core's own VisualBackProp: exactly in rationals (its generic {@code rawMask}), and in float32
 * ({@code explain(trace).inputWeighted()}) within {@link Tolerances#FLOAT32}.
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
        VbpPlan plan = VbpPlan.of(net.network());
        Rational[] raw = VisualBackProp.rawMask(plan, g.convActivations(), Field.RATIONAL.arithmetic(), Rational[]::new);
        int plane = g.part(0).plane();
        Rational[] vbpTimesInput = new Rational[g.part(0).size()];
        for (int x = 0; x < vbpTimesInput.length; x++) {
            vbpTimesInput[x] = raw[x % plane].multiply(g.activation(0, x));
        }
        Proofs.assertExactlyEqual(g.phiVbp(), vbpTimesInput, "VBP x v(X) vs phi_VBP");
        Statistics.label("last layer").collect(g.totalOutput().signum() > 0 ? "some unit on" : "all dead");
        Statistics.label("last layer").coverage(c -> c.check("some unit on").percentage(p -> p > 50));
    }

    /** The exact forward pass and core's float32 one agree, so both sides see the same units on and off. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void exactForwardPassAgreesWithCoreFloatForwardPass(@ForAll("exactNets") SmallNet net) {
        FlowGraph<Rational> g = FlowGraph.of(net, Field.RATIONAL);
        Network n = net.network();
        Trace t = n.trace(net.input(), Mode.EVAL);
        int l = 0;
        for (int i = 0; i < n.size(); i++) {
            if (n.layer(i).kind().equals("ReLU")) {
                l++;
                Proofs.assertClose(Proofs.doubles(g.field(), g.activations(l)), toDouble(t.output(i)), Tolerances.FLOAT32,
                        "ReLU output of conv" + l);
            }
        }
    }

    /** Theorem 1 in float32 on larger nets: core's VBP input-weighted mask is phi_VBP computed by paths in double. */
    @Property(seed = Proofs.SEED, tries = 1000)
    void coreFloatVbpTimesInputEqualsPhiVbpWithinTolerance(@ForAll("realNets") SmallNet net) {
        Network n = net.network();
        Tensor x = net.input();
        Tensor vbp = VisualBackProp.explain(n.trace(x, Mode.EVAL)).inputWeighted();
        FlowGraph<Double> g = FlowGraph.of(n, x);
        Proofs.assertClose(Proofs.doubles(g.field(), g.phiVbp()), toDouble(vbp), Tolerances.FLOAT32, "core VBP vs phi_VBP");
    }

    static double[] toDouble(Tensor t) {
        float[] d = t.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i];
        }
        return out;
    }

}
