package org.visualbackprop.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.explain.Explanation;
import org.visualbackprop.tensor.Tensor;

/**
 * What VisualBackProp computed for a batch, as an {@link InferenceEngine} returns it: the same quantities as
 * {@link Explanation} (Section 3, Figures 1-3), detached from any trace (nothing here is overwritten by a later
 * forward pass).
 *
 * <p>All tensors have one channel, {@code n x 1 x h x w}. The lists are indexed by conv stage, shallowest first. The
 * raw mask and the lists are present only when the {@link Request} asked for details ({@link #hasDetails()}).
 */
public final class VbpMaps {
    private final Tensor mask;
    private final Tensor raw;
    private final List<Tensor> averaged;
    private final List<Tensor> intermediate;
    private final List<String> levelNames;
    private final boolean[] flat;

    /**
     * @param mask         normalized mask, {@code n x 1 x H x W}
     * @param raw          mask before normalization, or null without details
     * @param averaged     channel means of each conv stage's ReLU output, or null without details
     * @param intermediate intermediate masks, or null without details
     * @param levelNames   names of the conv layers of the levels ({@code conv1, ...})
     * @param flat         per image: the raw mask was constant (the normalized mask is then zero)
     */
    public VbpMaps(Tensor mask, Tensor raw, List<Tensor> averaged, List<Tensor> intermediate, List<String> levelNames,
                   boolean[] flat) {
        this.mask = Objects.requireNonNull(mask, "mask");
        this.raw = raw;
        this.averaged = averaged == null ? null : List.copyOf(averaged);
        this.intermediate = intermediate == null ? null : List.copyOf(intermediate);
        this.levelNames = List.copyOf(levelNames);
        this.flat = flat.clone();
        if (flat.length != mask.shape().n()) {
            throw new IllegalArgumentException("need one flat flag per image: " + flat.length + " for a batch of " + mask.shape().n());
        }
    }

    /**
     * The maps of a core explanation, copied (an explanation's averaged maps may be arrays of a trace that the next
     * forward pass reuses).
     *
     * @param details whether to keep the raw mask and the per-layer maps
     */
    public static VbpMaps of(Explanation e, boolean details) {
        int n = e.mask().shape().n();
        boolean[] flat = new boolean[n];
        for (int i = 0; i < n; i++) {
            flat[i] = e.isFlat(i);
        }
        if (!details) {
            return new VbpMaps(e.mask().copy(), null, null, null, e.levelNames(), flat);
        }
        return new VbpMaps(e.mask().copy(), e.raw().copy(), copies(e.averagedMaps()), copies(e.intermediateMasks()),
                e.levelNames(), flat);
    }

    private static List<Tensor> copies(List<Tensor> ts) {
        List<Tensor> out = new ArrayList<>(ts.size());
        for (Tensor t : ts) {
            out.add(t.copy());
        }
        return out;
    }

    /** The maps of consecutive parts of one batch, joined along the batch axis. */
    public static VbpMaps concat(List<VbpMaps> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        VbpMaps first = parts.get(0);
        List<Tensor> masks = new ArrayList<>();
        int n = 0;
        for (VbpMaps p : parts) {
            masks.add(p.mask);
            n += p.size();
        }
        boolean[] flat = new boolean[n];
        int off = 0;
        for (VbpMaps p : parts) {
            System.arraycopy(p.flat, 0, flat, off, p.flat.length);
            off += p.flat.length;
        }
        if (!first.hasDetails()) {
            return new VbpMaps(Tensor.stack(masks), null, null, null, first.levelNames, flat);
        }
        List<Tensor> raws = new ArrayList<>();
        for (VbpMaps p : parts) {
            raws.add(p.raw);
        }
        List<Tensor> avg = new ArrayList<>();
        List<Tensor> inter = new ArrayList<>();
        for (int l = 0; l < first.averaged.size(); l++) {
            List<Tensor> a = new ArrayList<>();
            List<Tensor> m = new ArrayList<>();
            for (VbpMaps p : parts) {
                a.add(p.averaged.get(l));
                m.add(p.intermediate.get(l));
            }
            avg.add(Tensor.stack(a));
            inter.add(Tensor.stack(m));
        }
        return new VbpMaps(Tensor.stack(masks), Tensor.stack(raws), avg, inter, first.levelNames, flat);
    }

    /** Batch size. */
    public int size() {
        return flat.length;
    }

    /** The mask at input size, min-max normalized to [0, 1] per image. */
    public Tensor mask() {
        return mask;
    }

    /** True when the raw mask and the per-layer maps are present. */
    public boolean hasDetails() {
        return raw != null;
    }

    /** The mask before normalization (see {@link Explanation#raw()}). @throws IllegalStateException without details */
    public Tensor raw() {
        return requireDetails(raw);
    }

    /** Channel means of each conv stage's ReLU output, shallowest first. @throws IllegalStateException without details */
    public List<Tensor> averagedMaps() {
        return requireDetails(averaged);
    }

    /** Intermediate masks, shallowest first. @throws IllegalStateException without details */
    public List<Tensor> intermediateMasks() {
        return requireDetails(intermediate);
    }

    /** Names of the conv layers of the levels, shallowest first. */
    public List<String> levelNames() {
        return levelNames;
    }

    /** True when image {@code i}'s raw mask is constant (its normalized mask is then all zeros). */
    public boolean isFlat(int i) {
        return flat[i];
    }

    private <T> T requireDetails(T t) {
        if (t == null) {
            throw new IllegalStateException("these VisualBackProp maps hold the mask only: ask for Request.vbpAll() to get "
                    + "the raw mask, the averaged maps and the intermediate masks");
        }
        return t;
    }
}
