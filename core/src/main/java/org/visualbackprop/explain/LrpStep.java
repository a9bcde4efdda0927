package org.visualbackprop.explain;

import org.visualbackprop.compute.ConvKernels;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * One step of LRP's backward walk, as an {@link LrpRule} sees it: a layer of a recorded forward pass (or a BatchNorm
 * folded into the Conv2d or Dense above it), its input activations {@code a}, its recorded output {@code z}, and for a
 * linear layer its (folded) weights with the two operations every linear rule is made of: the layer's forward map with
 * other weights and inputs, and its transpose.
 */
public final class LrpStep {
    private final Trace trace;
    private final Network network;
    private final int layer;
    private final int foldedBatchNorm;
    private final float[] weight;
    private final float[] bias;
    private final boolean first;

    /** @param trace null while planning (only the layer, its name and position are known then) */
    LrpStep(Trace trace, Network network, int layer, int foldedBatchNorm, float[] weight, float[] bias, boolean first) {
        this.trace = trace;
        this.network = network;
        this.layer = layer;
        this.foldedBatchNorm = foldedBatchNorm;
        this.weight = weight;
        this.bias = bias;
        this.first = first;
    }

    /** The layer whose output relevance is propagated. */
    public Layer layer() {
        return network.layer(layer);
    }

    /** The layer's index in its network. */
    public int index() {
        return layer;
    }

    /** The layer's name, with {@code +bnK} when a BatchNorm was folded into it. */
    public String name() {
        return network.name(layer) + (foldedBatchNorm >= 0 ? "+" + network.name(foldedBatchNorm) : "");
    }

    /** True for the linear layer closest to the input (zennit's "first layer", where the Flat rule goes). */
    public boolean isFirstLinear() {
        return first;
    }

    /** True when a BatchNorm below was folded into this layer's weights. */
    public boolean hasFoldedBatchNorm() {
        return foldedBatchNorm >= 0;
    }

    /** The activations below the step: the layer's input, or the folded BatchNorm's input. Not a copy. */
    public Tensor input() {
        return trace.layerInput(foldedBatchNorm >= 0 ? foldedBatchNorm : layer);
    }

    /** The layer's recorded output ({@code z}, bias included; for a folded step the same up to float rounding). */
    public Tensor output() {
        return trace.output(layer);
    }

    /** True for a Conv2d or a Dense (possibly with a BatchNorm folded in). */
    public boolean isLinear() {
        return layer() instanceof Conv2d || layer() instanceof Dense;
    }

    /** The (folded) weights of a linear step, in the layer's layout. Not a copy: do not modify. */
    public float[] weight() {
        requireLinear();
        if (weight != null) {
            return weight;
        }
        return layer() instanceof Conv2d c ? c.weight().value().data() : ((Dense) layer()).weight().value().data();
    }

    /** The (folded) bias of a linear step, zeros when the layer has none. */
    public float[] bias() {
        requireLinear();
        if (bias != null) {
            return bias;
        }
        if (layer() instanceof Conv2d c) {
            return c.bias() == null ? new float[c.outChannels()] : c.bias().value().data();
        }
        Dense d = (Dense) layer();
        return d.bias() == null ? new float[d.outFeatures()] : d.bias().value().data();
    }

    /** Number of output channels (conv) or features (dense) of a linear step. */
    public int outputs() {
        requireLinear();
        return layer() instanceof Conv2d c ? c.outChannels() : ((Dense) layer()).outFeatures();
    }

    /**
     * The layer's linear map applied to other inputs and weights: {@code conv(x; w) + b} or {@code x w^T + b}.
     *
     * @param x shaped as {@link #input()}, not modified
     * @param w in the layer's weight layout, not modified
     * @param b one value per output channel, or null for none
     */
    public Tensor forward(Tensor x, float[] w, float[] b) {
        requireLinear();
        Tensor out = Tensor.zeros(output().shape());
        Shape in = x.shape();
        if (layer() instanceof Conv2d c) {
            ConvKernels.forward(in, x.data(), w, b, c.window(), c.outChannels(), out.data());
            return out;
        }
        Dense d = (Dense) layer();
        int n = in.n();
        Sgemm.multiply(n, d.outFeatures(), d.inFeatures(), x.data(), 0, d.inFeatures(), 1, w, 0, 1, d.inFeatures(), out.data(), 0,
                d.outFeatures(), false);
        if (b != null) {
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < d.outFeatures(); o++) {
                    out.data()[i * d.outFeatures() + o] += b[o];
                }
            }
        }
        return out;
    }

    /**
     * The transpose of the layer's linear map with weights {@code w}: {@code c_i = sum_j w_ji s_j}, shaped as
     * {@link #input()}.
     *
     * @param s output-shaped, not modified
     */
    public Tensor transposed(Tensor s, float[] w) {
        requireLinear();
        Shape in = input().shape();
        Tensor c = Tensor.zeros(in);
        if (layer() instanceof Conv2d conv) {
            ConvKernels.transposed(in, w, conv.window(), conv.outChannels(), s.data(), c.data());
        } else {
            Dense d = (Dense) layer();
            Sgemm.multiply(in.n(), d.inFeatures(), d.outFeatures(), s.data(), 0, d.outFeatures(), 1, w, 0, d.inFeatures(), 1,
                    c.data(), 0, d.inFeatures(), false);
        }
        return c;
    }

    /**
     * A BatchNorm step's per-channel affine map {@code y = scale * x + shift}, with the statistics of the trace's mode.
     *
     * @return {@code {scale, shift}}
     */
    public float[][] batchNormAffine() {
        if (!(layer() instanceof BatchNorm2d bn)) {
            throw new IllegalStateException(name() + " is not a BatchNorm2d");
        }
        return bn.affine(input(), trace.mode());
    }

    /** For a max-pooling step: per output element, the index of the input element that won its window. */
    public int[] winners() {
        if (!(layer() instanceof MaxPool2d p)) {
            throw new IllegalStateException(name() + " is not a MaxPool2d");
        }
        return p.winners(input());
    }

    private void requireLinear() {
        if (!isLinear()) {
            throw new IllegalStateException(name() + " is not a Conv2d or Dense");
        }
    }
}
