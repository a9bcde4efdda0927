package org.visualbackprop.explain;

import java.util.List;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * What VisualBackProp computed for a batch (Section 3, Figures 1-3): the normalized mask, the raw mask before
 * normalization, and per conv layer the averaged feature map and the intermediate mask (Figure 2).
 *
 * <p>All tensors have one channel: {@code n x 1 x h x w}. Lists are indexed by conv stage, shallowest first
 * ({@link #levelNames()} gives the conv layers' names).
 */
public final class Explanation {
    private final VbpPlan plan;
    private final Tensor input;
    private final Tensor mask;
    private final Tensor raw;
    private final List<Tensor> averaged;
    private final List<Tensor> intermediate;
    private final boolean[] flat;

    Explanation(VbpPlan plan, Tensor input, Tensor mask, Tensor raw, List<Tensor> averaged, List<Tensor> intermediate, boolean[] flat) {
        this.plan = plan;
        this.input = input;
        this.mask = mask;
        this.raw = raw;
        this.averaged = List.copyOf(averaged);
        this.intermediate = List.copyOf(intermediate);
        this.flat = flat.clone();
    }

    /** The plan the explanation followed. */
    public VbpPlan plan() {
        return plan;
    }

    /** The explained batch (not a copy). */
    public Tensor input() {
        return input;
    }

    /** The mask at input size, min-max normalized to [0, 1] per image ({@code n x 1 x H x W}). */
    public Tensor mask() {
        return mask;
    }

    /**
     * The mask before normalization: at each input pixel, the sum over the paths to the last conv layer of the
     * product of the averaged activations met (Theorem 1 without the factor v(X)).
     */
    public Tensor raw() {
        return raw;
    }

    /** The channel mean of each conv layer's ReLU output, shallowest first (Figure 2, left). */
    public List<Tensor> averagedMaps() {
        return averaged;
    }

    /**
     * The intermediate masks, shallowest first (Figure 2, right): for the deepest layer its averaged map, for each
     * shallower one its averaged map times the scaled-up mask of the layer above.
     */
    public List<Tensor> intermediateMasks() {
        return intermediate;
    }

    /** Names of the conv layers of {@link #averagedMaps()}. */
    public List<String> levelNames() {
        return plan.convStages().stream().map(VbpPlan.Stage::name).toList();
    }

    /**
     * True when image {@code i}'s raw mask is constant (for example zero everywhere because every unit of some layer
     * was off); its normalized mask is then all zeros.
     */
    public boolean isFlat(int i) {
        return flat[i];
    }

    /**
     * Theorem 1's quantity per input neuron: {@code raw(y, x) * v(c, y, x)} for every input channel c
     * ({@code n x C x H x W}). It equals {@code phi_VBP(X)} with the constant {@code c = prod_l 1/f_l}.
     */
    public Tensor inputWeighted() {
        Shape s = input.shape();
        Tensor out = Tensor.zeros(s);
        int plane = s.plane();
        for (int i = 0; i < s.n(); i++) {
            for (int c = 0; c < s.c(); c++) {
                int o = (i * s.c() + c) * plane;
                for (int q = 0; q < plane; q++) {
                    out.data()[o + q] = raw.data()[i * plane + q] * input.data()[o + q];
                }
            }
        }
        return out;
    }
}
