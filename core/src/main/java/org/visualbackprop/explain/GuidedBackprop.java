package org.visualbackprop.explain;

import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Tensor;

/**
 * Gradients whose way back through every ReLU is changed, as zennit's hooks change it (every other layer back-propagates
 * its ordinary gradient). With {@code g} the gradient arriving at a ReLU's output and {@code x} its input:
 * <ul>
 * <li><b>Guided Backprop</b> (Springenberg et al. 2015, "Striving for simplicity: the all convolutional net", Section 3.4;
 *     zennit's {@code ReLUGuidedBackprop}): {@code g * [x > 0] * [g > 0]}: the ordinary ReLU gradient, with its negative
 *     values set to zero;</li>
 * <li><b>DeconvNet</b> (Zeiler and Fergus 2014, "Visualizing and understanding convolutional networks", Section 2.1;
 *     zennit's {@code ReLUDeconvNet}): {@code max(g, 0)}: the rectified gradient, whatever the ReLU's input was.</li>
 * </ul>
 * The backward pass starts from a one at the explained score (the output below a final LogSoftmax), as the gradient
 * does. The map sums the input-shaped result over the input's channels (signed).
 */
public final class GuidedBackprop {
    /** The way back through a ReLU. */
    public enum Rule {
        /** {@code g * [x > 0] * [g > 0]}. */
        GUIDED_BACKPROP("guided-backprop"),
        /** {@code max(g, 0)}. */
        DECONVNET("deconvnet");

        private final String method;

        Rule(String method) {
            this.method = method;
        }

        /** The method's name as {@link Explainer#names()} lists it. */
        public String method() {
            return method;
        }
    }

    private GuidedBackprop() {
    }

    /** Guided Backprop for the explained output of every sample of a forward pass. */
    public static Attribution guidedBackprop(Trace trace, Target target) {
        return attribute(trace, target, Rule.GUIDED_BACKPROP);
    }

    /** DeconvNet for the explained output of every sample of a forward pass. */
    public static Attribution deconvNet(Trace trace, Target target) {
        return attribute(trace, target, Rule.DECONVNET);
    }

    /**
     * The input-shaped result of the changed backward pass.
     *
     * @param trace a forward pass of the network; its layers' state from that pass is used (run no other pass of the
     *              network between the trace and this call)
     */
    public static Attribution attribute(Trace trace, Target target, Rule rule) {
        int[] t = target.resolve(trace);
        Tensor g = Backprop.gradient(trace, t, 0, backwardRule(rule));
        return new Attribution(rule.method(), g, new int[trace.batch()], t, Attribution.Reduction.SUM, null);
    }

    /** The rule as a {@link Network.BackwardRule} for ReLU layers. */
    static Network.BackwardRule backwardRule(Rule rule) {
        return (index, layer, in, out, gradOut, gradIn) -> {
            if (!(layer instanceof ReLU)) {
                return false;
            }
            float[] x = in.data();
            float[] g = gradOut.data();
            float[] d = gradIn.data();
            if (rule == Rule.GUIDED_BACKPROP) {
                for (int q = 0; q < d.length; q++) {
                    d[q] = x[q] > 0f && g[q] > 0f ? g[q] : 0f;
                }
            } else {
                for (int q = 0; q < d.length; q++) {
                    d[q] = Math.max(g[q], 0f);
                }
            }
            return true;
        };
    }
}
