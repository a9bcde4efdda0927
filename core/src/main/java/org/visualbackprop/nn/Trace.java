package org.visualbackprop.nn;

import java.util.Objects;
import org.visualbackprop.tensor.Tensor;

/**
 * The record of one forward pass: the input and the output of every layer, in order. VisualBackProp, LRP and the
 * backward pass read it, so an explanation needs no second forward pass. A trace can be handed back to
 * {@link Network#trace(Tensor, Mode, Trace)} to reuse its arrays for the next batch of the same shape.
 *
 * <p>The input is kept by reference (not copied): do not modify it while the trace is in use.
 */
public final class Trace {
    private final Network network;
    private Mode mode;
    private Tensor input;
    final Tensor[] outputs;
    final Tensor[] means;

    Trace(Network network, Tensor[] outputs) {
        this.network = network;
        this.outputs = outputs;
        this.means = new Tensor[outputs.length];
    }

    void set(Tensor input, Mode mode) {
        this.input = Objects.requireNonNull(input);
        this.mode = mode;
    }

    /** The network that made this trace. */
    public Network network() {
        return network;
    }

    /** The mode of the forward pass. */
    public Mode mode() {
        return mode;
    }

    /** The batch given to the network (not a copy). */
    public Tensor input() {
        return input;
    }

    /** Batch size. */
    public int batch() {
        return input.shape().n();
    }

    /** Output of layer {@code i} (not a copy). */
    public Tensor output(int i) {
        return outputs[i];
    }

    /** Input of layer {@code i}: the network's input for {@code i == 0}, else the output of layer {@code i - 1}. */
    public Tensor layerInput(int i) {
        return i == 0 ? input : outputs[i - 1];
    }

    /**
     * The channel mean of layer {@code i}'s output ({@code n x 1 x h x w}), when the forward pass recorded it (see
     * {@link Network#trace(Tensor, Mode, Trace, int...)}), else null.
     */
    public Tensor channelMean(int i) {
        return means[i];
    }

    /** Output of the last layer (not a copy). */
    public Tensor result() {
        return outputs[outputs.length - 1];
    }

    /** Number of recorded layer outputs (the number of layers). */
    public int size() {
        return outputs.length;
    }
}
