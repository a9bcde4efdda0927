package org.visualbackprop.explain;

import java.util.ArrayList;
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

    /**
     * An explanation from maps computed elsewhere (a compute device): the same quantities as {@link VisualBackProp}
     * computes.
     *
     * @param mask         normalized mask, {@code n x 1 x H x W}
     * @param raw          the mask before normalization, same shape
     * @param averaged     channel means of each conv stage's ReLU output, shallowest first
     * @param intermediate intermediate masks, shallowest first
     * @param flat         per image: the raw mask was constant (the normalized mask is then zero)
     */
    public static Explanation of(VbpPlan plan, Tensor input, Tensor mask, Tensor raw, List<Tensor> averaged, List<Tensor> intermediate,
                                 boolean[] flat) {
        int n = input.shape().n();
        if (mask.shape().n() != n || raw.shape().n() != n || flat.length != n || averaged.size() != plan.convCount()
                || intermediate.size() != plan.convCount()) {
            throw new IllegalArgumentException("a VisualBackProp explanation of " + n + " images over " + plan.convCount()
                    + " conv layers needs masks, flags and per-layer maps of that many: got masks of " + mask.shape().n() + " and "
                    + raw.shape().n() + ", " + flat.length + " flags, " + averaged.size() + " and " + intermediate.size() + " maps");
        }
        return new Explanation(plan, input, mask, raw, averaged, intermediate, flat);
    }

    /** The explanations of consecutive parts of one batch, joined along the batch axis. */
    public static Explanation concat(List<Explanation> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        Explanation first = parts.get(0);
        List<Tensor> inputs = new ArrayList<>();
        List<Tensor> masks = new ArrayList<>();
        List<Tensor> raws = new ArrayList<>();
        int n = 0;
        for (Explanation p : parts) {
            inputs.add(p.input);
            masks.add(p.mask);
            raws.add(p.raw);
            n += p.flat.length;
        }
        boolean[] flat = new boolean[n];
        int off = 0;
        for (Explanation p : parts) {
            System.arraycopy(p.flat, 0, flat, off, p.flat.length);
            off += p.flat.length;
        }
        List<Tensor> avg = new ArrayList<>();
        List<Tensor> inter = new ArrayList<>();
        for (int l = 0; l < first.averaged.size(); l++) {
            List<Tensor> a = new ArrayList<>();
            List<Tensor> m = new ArrayList<>();
            for (Explanation p : parts) {
                a.add(p.averaged.get(l));
                m.add(p.intermediate.get(l));
            }
            avg.add(Tensor.stack(a));
            inter.add(Tensor.stack(m));
        }
        return new Explanation(first.plan, Tensor.stack(inputs), Tensor.stack(masks), Tensor.stack(raws), avg, inter, flat);
    }

    /**
     * A copy that shares no array with this one (the averaged maps of an explanation made from a trace are that
     * trace's recorded means, which its next forward pass overwrites when the trace is reused).
     */
    public Explanation copy() {
        return new Explanation(plan, input.copy(), mask.copy(), raw.copy(), averaged.stream().map(Tensor::copy).toList(),
                intermediate.stream().map(Tensor::copy).toList(), flat);
    }

    /** Batch size. */
    public int size() {
        return flat.length;
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
