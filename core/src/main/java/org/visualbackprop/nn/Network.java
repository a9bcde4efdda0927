package org.visualbackprop.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * An ordered list of layers for inputs of one sample shape ({@code c x h x w}; any batch size).
 *
 * <p>Layers are named by kind and count: {@code bn1, conv1, relu1, ..., flatten1, fc1, ...}. A forward pass can
 * record every layer's output ({@link #trace}); {@link #backward} reads such a trace. Buffers are reused from
 * call to call (a forward pass of the same batch shape allocates nothing but its small result), which also
 * means a network is <b>not thread-safe</b>: use one per thread.
 */
public final class Network {
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<String> names;
    private Trace workspace;
    private Tensor[] gradients = new Tensor[0];

    private Network(Shape inputShape, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        this.inputShape = inputShape.withBatch(1);
        this.layers = List.copyOf(layers);
        Map<String, Integer> counts = new HashMap<>();
        List<String> ns = new ArrayList<>();
        for (Layer l : this.layers) {
            String prefix = prefix(l);
            int c = counts.merge(prefix, 1, Integer::sum);
            ns.add(prefix + c);
        }
        this.names = Collections.unmodifiableList(ns);
        shapes(1); // validates the chain now, with the layer's name in the message
    }

    /**
     * A network for samples of shape {@code c x h x w} (the batch size of {@code inputShape} is ignored).
     *
     * @throws ShapeException when a layer does not accept what the previous one produces
     */
    public static Network of(Shape inputShape, List<? extends Layer> layers) {
        Objects.requireNonNull(inputShape, "inputShape");
        return new Network(inputShape, new ArrayList<>(layers));
    }

    /** As {@link #of(Shape, List)}. */
    public static Network of(Shape inputShape, Layer... layers) {
        return of(inputShape, List.of(layers));
    }

    /** The name prefix of a layer ({@code conv1}, {@code bn2}, {@code fc1}, {@code pool1}; others: the kind in lower case). */
    private static String prefix(Layer l) {
        if (l instanceof Conv2d) {
            return "conv";
        }
        if (l instanceof BatchNorm2d) {
            return "bn";
        }
        if (l instanceof Dense) {
            return "fc";
        }
        if (l instanceof MaxPool2d) {
            return "pool";
        }
        return l.kind().toLowerCase(java.util.Locale.ROOT);
    }

    /** Shape of one input sample, with batch size 1. */
    public Shape inputShape() {
        return inputShape;
    }

    public List<Layer> layers() {
        return layers;
    }

    public Layer layer(int i) {
        return layers.get(i);
    }

    /** Name of layer {@code i}, such as {@code "conv3"}. */
    public String name(int i) {
        return names.get(i);
    }

    /** Number of layers. */
    public int size() {
        return layers.size();
    }

    /**
     * Output shape of every layer for a batch of {@code batch} inputs.
     *
     * @throws ShapeException naming the layer that rejects its input
     */
    public List<Shape> shapes(int batch) {
        List<Shape> out = new ArrayList<>(layers.size());
        Shape s = inputShape.withBatch(batch);
        for (int i = 0; i < layers.size(); i++) {
            try {
                s = layers.get(i).outputShape(s);
            } catch (ShapeException e) {
                throw new ShapeException("layer " + names.get(i) + " (" + layers.get(i) + "): " + e.getMessage());
            }
            out.add(s);
        }
        return out;
    }

    /** Shape of the network's output for a batch of {@code batch}. */
    public Shape outputShape(int batch) {
        List<Shape> s = shapes(batch);
        return s.get(s.size() - 1);
    }

    /**
     * Checks that {@code x} is a batch this network accepts: sample shape {@code c x h x w} as built, finite values.
     *
     * @throws ShapeException      for a wrong rank, size or channel count
     * @throws IllegalArgumentException for NaN or infinite values
     */
    public void checkInput(Tensor x) {
        Objects.requireNonNull(x, "input");
        Shape s = x.shape();
        if (s.c() != inputShape.c() || s.h() != inputShape.h() || s.w() != inputShape.w()) {
            String what = s.c() != inputShape.c()
                    ? "expects " + inputShape.c() + " input channel" + (inputShape.c() == 1 ? "" : "s") + ", got " + s.c()
                    : "expects inputs of " + inputShape.h() + " x " + inputShape.w() + " (height x width), got " + s.h() + " x " + s.w();
            throw new ShapeException("the network " + what + " (input shape " + s + ", network input "
                    + inputShape.describeSample() + ")");
        }
        x.requireFinite("network input");
    }

    /**
     * Forward pass without a trace; returns a new tensor holding the last layer's output. Where no layer's output is
     * kept, a BatchNorm in evaluation mode before a convolution with a stride or padding is applied while that
     * convolution splits its input (no pass of its own over memory); the result is bit for bit the traced pass's.
     */
    public Tensor forward(Tensor x, Mode mode) {
        workspace = trace(x, mode, workspace, false, new int[0]);
        return workspace.result().copy();
    }

    /** Forward pass in evaluation mode. */
    public Tensor predict(Tensor x) {
        return forward(x, Mode.EVAL);
    }

    /** Forward pass that records every layer's output in a new {@link Trace}. */
    public Trace trace(Tensor x, Mode mode) {
        return trace(x, mode, null);
    }

    /**
     * Forward pass that records every layer's output, reusing the arrays of {@code reuse} when it came from this
     * network with the same batch shape (otherwise new arrays are allocated).
     */
    public Trace trace(Tensor x, Mode mode, Trace reuse) {
        return trace(x, mode, reuse, new int[0]);
    }

    /**
     * Forward pass that records every layer's output and, for the layers listed in {@code meanLayers}, the channel
     * mean of their output (computed in the same sweep when the layer is a ReLU): what VisualBackProp reads, taken
     * while the data is at hand instead of in a second pass over memory.
     */
    public Trace trace(Tensor x, Mode mode, Trace reuse, int... meanLayers) {
        return trace(x, mode, reuse, true, meanLayers);
    }

    /** {@link #trace(Tensor, Mode, Trace, int...)}; without {@code keepAll}, BatchNorm outputs fused away are not written. */
    private Trace trace(Tensor x, Mode mode, Trace reuse, boolean keepAll, int... meanLayers) {
        checkInput(x);
        Objects.requireNonNull(mode, "mode");
        Trace t = reuse;
        if (t == null || t.network() != this || t.input() == null || !t.input().shape().equals(x.shape())) {
            List<Shape> shapes = shapes(x.shape().n());
            Tensor[] outs = new Tensor[shapes.size()];
            for (int i = 0; i < outs.length; i++) {
                outs[i] = Tensor.zeros(shapes.get(i));
            }
            t = new Trace(this, outs);
        }
        t.set(x, mode);
        boolean[] wantMean = new boolean[layers.size()];
        for (int i : meanLayers) {
            wantMean[Objects.checkIndex(i, layers.size())] = true;
        }
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            Tensor out = t.outputs[i];
            if (!keepAll && !mode.batchStatistics() && l instanceof BatchNorm2d bn && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof Conv2d conv && conv.splitsInput()) {
                // the BatchNorm's output is not kept: the convolution maps its input while splitting it
                boolean relu = i + 2 < layers.size() && layers.get(i + 2) instanceof ReLU;
                float[][] affine = bn.evalAffine();
                t.means[i] = null;
                t.means[i + 1] = null;
                conv.forwardAfterAffine(t.layerInput(i), affine[0], affine[1], t.outputs[i + 1], relu ? t.outputs[i + 2] : null);
                if (relu) {
                    t.means[i + 2] = null;
                }
                i += relu ? 2 : 1;
                continue;
            }
            if (!wantMean[i] && i + 1 < layers.size() && !wantMean[i + 1] && l instanceof Conv2d conv && layers.get(i + 1) instanceof ReLU) {
                // a conv and its ReLU in one sweep over the output (the same values as one after the other)
                t.means[i] = null;
                t.means[i + 1] = null;
                conv.forwardWithRelu(t.layerInput(i), out, t.outputs[i + 1]);
                i++;
                continue;
            }
            if (!wantMean[i]) {
                t.means[i] = null;
                l.forward(t.layerInput(i), out, mode);
                continue;
            }
            Shape ms = new Shape(out.shape().n(), 1, out.shape().h(), out.shape().w());
            if (t.means[i] == null || !t.means[i].shape().equals(ms)) {
                t.means[i] = Tensor.zeros(ms);
            }
            if (l instanceof ReLU relu) {
                relu.forwardWithChannelMean(t.layerInput(i), out, t.means[i]);
            } else {
                l.forward(t.layerInput(i), out, mode);
                out.channelMeanInto(t.means[i]);
            }
        }
        return t;
    }

    /**
     * Back-propagates {@code gradOutput} (the gradient of a loss with respect to the network's output) through the
     * trace's pass. Adds to every parameter's gradient when {@code parameterGradients}.
     *
     * @param wantInputGradient whether to compute the gradient with respect to the input
     * @return the gradient with respect to the input (a new tensor), or null when not wanted
     */
    public Tensor backward(Trace trace, Tensor gradOutput, boolean parameterGradients, boolean wantInputGradient) {
        return backwardFrom(trace, layers.size() - 1, gradOutput, parameterGradients, wantInputGradient);
    }

    /**
     * Back-propagates from the output of layer {@code top} (layers above it are left out): for example from the
     * class scores below a final LogSoftmax.
     *
     * @param gradAtTop gradient with respect to the output of layer {@code top}, not modified
     * @return the gradient with respect to the input (a new tensor), or null when not wanted
     */
    public Tensor backwardFrom(Trace trace, int top, Tensor gradAtTop, boolean parameterGradients, boolean wantInputGradient) {
        if (trace.network() != this) {
            throw new IllegalArgumentException("the trace was recorded by another network");
        }
        java.util.Objects.checkIndex(top, layers.size());
        trace.output(top).requireSameShape(gradAtTop, "back-propagate: layer output and its gradient");
        gradientBuffers(trace);
        Tensor g = gradAtTop;
        for (int i = top; i >= 0; i--) {
            Tensor gin = i == 0 && !wantInputGradient ? null : gradients[i];
            layers.get(i).backward(trace.layerInput(i), trace.output(i), g, gin, trace.mode(), parameterGradients);
            g = gin;
        }
        return wantInputGradient ? gradients[0].copy() : null;
    }

    /**
     * A replacement for some layers' backward pass, for explanation methods that change how the gradient goes through
     * a layer (Guided Backprop and DeconvNet change the ReLU's, as zennit's {@code ReLUGuidedBackprop} and
     * {@code ReLUDeconvNet} hooks do).
     */
    @FunctionalInterface
    public interface BackwardRule {
        /**
         * Back-propagates through layer {@code index} in place of its own backward pass, or declines.
         *
         * @param in      the layer's forward input, not modified
         * @param out     its forward output, not modified
         * @param gradOut the gradient arriving at its output, not modified
         * @param gradIn  input-shaped, to overwrite (modified) when the rule handles the layer
         * @return true when the rule wrote {@code gradIn}; false to run the layer's own backward pass
         */
        boolean backward(int index, Layer layer, Tensor in, Tensor out, Tensor gradOut, Tensor gradIn);
    }

    /**
     * Back-propagates {@code gradAtTop} from the output of layer {@code top} down to the input of layer {@code bottom}
     * (layers below it are not visited), with no parameter gradients; {@code rule} may replace some layers' backward
     * pass. {@link #backwardFrom} is this with {@code bottom = 0} and no rule.
     *
     * @param gradAtTop gradient with respect to the output of layer {@code top}, not modified
     * @param bottom    {@code 0 <= bottom <= top}: the result is the gradient with respect to the input of this layer
     *                  (the output of layer {@code bottom - 1}, or the network's input for 0)
     * @param rule      null for every layer's own backward pass
     * @return a new tensor, shaped as the input of layer {@code bottom}
     */
    public Tensor backwardBetween(Trace trace, int top, Tensor gradAtTop, int bottom, BackwardRule rule) {
        if (trace.network() != this) {
            throw new IllegalArgumentException("the trace was recorded by another network");
        }
        java.util.Objects.checkIndex(top, layers.size());
        if (bottom < 0 || bottom > top) {
            throw new IllegalArgumentException("back-propagate from layer " + top + " down to layer " + bottom + ": need 0 <= bottom <= top");
        }
        trace.output(top).requireSameShape(gradAtTop, "back-propagate: layer output and its gradient");
        gradientBuffers(trace);
        Tensor g = gradAtTop;
        for (int i = top; i >= bottom; i--) {
            Tensor gin = gradients[i];
            Layer l = layers.get(i);
            if (rule == null || !rule.backward(i, l, trace.layerInput(i), trace.output(i), g, gin)) {
                l.backward(trace.layerInput(i), trace.output(i), g, gin, trace.mode(), false);
            }
            g = gin;
        }
        return g.copy();
    }

    /** The arrays of the layers' input gradients for the trace's batch shape, allocated when the shape changes. */
    private void gradientBuffers(Trace trace) {
        int n = layers.size();
        if (gradients.length != n || gradients[0] == null || !gradients[0].shape().equals(trace.input().shape())) {
            gradients = new Tensor[n];
            for (int i = 0; i < n; i++) {
                gradients[i] = Tensor.zeros(trace.layerInput(i).shape());
            }
        }
    }

    /**
     * A copy with new layer objects and its own tensors (weights, biases, BatchNorm statistics copied): passes through
     * one leave the other's state alone, and changing one's weights leaves the other's alone (what the evaluations need
     * that randomize layers or run copies side by side). A Dropout layer's copy has the same probability and a random
     * source seeded afresh (0).
     *
     * @throws IllegalArgumentException for a layer class this method does not know (the message names it)
     */
    public Network copy() {
        return copy(i -> null);
    }

    /**
     * As {@link #copy()}, with some layers replaced: {@code replace.apply(i)} gives the layer to put at index {@code i},
     * or null to copy the network's own.
     */
    public Network copy(java.util.function.IntFunction<Layer> replace) {
        List<Layer> out = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Layer r = replace.apply(i);
            out.add(r != null ? r : copyOf(layers.get(i), i));
        }
        return new Network(inputShape, out);
    }

    private Layer copyOf(Layer l, int i) {
        if (l instanceof Conv2d c) {
            return Conv2d.withWeights(c.window(), c.weight().value(), c.bias() == null ? null : c.bias().value());
        }
        if (l instanceof Dense d) {
            return Dense.withWeights(d.weight().value(), d.bias() == null ? null : d.bias().value());
        }
        if (l instanceof BatchNorm2d b) {
            return BatchNorm2d.withStatistics(b.eps(), b.momentum(), b.gamma().value(), b.beta().value(), b.runningMean(), b.runningVar());
        }
        if (l instanceof ReLU) {
            return ReLU.of();
        }
        if (l instanceof Flatten) {
            return Flatten.of();
        }
        if (l instanceof MaxPool2d m) {
            return MaxPool2d.of(m.window());
        }
        if (l instanceof LogSoftmax) {
            return LogSoftmax.of();
        }
        if (l instanceof Tanh) {
            return Tanh.of();
        }
        if (l instanceof Dropout d) {
            return Dropout.of(d.probability(), 0L);
        }
        throw new IllegalArgumentException("cannot copy layer " + names.get(i) + " (" + l + "): unknown layer class " + l.getClass().getName());
    }

    /** All trainable parameters, layer by layer (not copies). */
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>();
        for (Layer l : layers) {
            ps.addAll(l.parameters());
        }
        return ps;
    }

    /** Sets every parameter's gradient to zero. */
    public void zeroGrad() {
        for (Parameter p : parameters()) {
            p.zeroGrad();
        }
    }

    /** Number of trainable values. */
    public long parameterCount() {
        long s = 0;
        for (Layer l : layers) {
            s += l.parameterCount();
        }
        return s;
    }

    /**
     * A NaN or infinite value in a network's tensors.
     *
     * @param layer     index of the layer (0-based, as model files number them)
     * @param layerName its name, such as {@code conv2}
     * @param kind      its kind, such as {@code Conv2d}
     * @param tensor    the tensor's name: {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}
     * @param index     the element's index in the tensor (row-major)
     * @param value     the value
     * @param shape     the tensor's shape
     */
    public record NonFiniteValue(int layer, String layerName, String kind, String tensor, int index, float value, Shape shape) {
        /** {@code "conv2 (layer 5, Conv2d) weight[17] is NaN (288 values of shape [32, 1, 3, 3])"}. */
        @Override
        public String toString() {
            return layerName + " (layer " + layer + ", " + kind + ") " + tensor + "[" + index + "] is " + value + " ("
                    + shape.size() + " values of shape " + shape + ")";
        }
    }

    /**
     * The first NaN or infinite value among the network's tensors: every layer's parameters (such as a Conv2d's
     * {@code weight} and {@code bias}, BatchNorm's {@code weight} and {@code bias}) and buffers (BatchNorm's
     * {@code running_mean} and {@code running_var}), in layer order; empty when every value is finite. A network with
     * such a value predicts NaN and explains nothing, so the model loaders and the trainer refuse it: this is the one
     * check they share.
     */
    public java.util.Optional<NonFiniteValue> findNonFinite() {
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            List<Layer.NamedTensor> tensors = new ArrayList<>();
            for (Parameter p : l.parameters()) {
                tensors.add(new Layer.NamedTensor(p.name(), p.value()));
            }
            tensors.addAll(l.buffers());
            for (Layer.NamedTensor t : tensors) {
                int k = t.tensor().firstNonFinite();
                if (k >= 0) {
                    return java.util.Optional.of(new NonFiniteValue(i, names.get(i), l.kind(), t.name(), k, t.tensor().data()[k],
                            t.tensor().shape()));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Index of the first layer of the given class at or after {@code from}, or -1. */
    public int indexOf(Class<? extends Layer> type, int from) {
        for (int i = from; i < layers.size(); i++) {
            if (type.isInstance(layers.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Network(input ").append(inputShape.describeSample());
        for (int i = 0; i < layers.size(); i++) {
            sb.append(", ").append(names.get(i)).append('=').append(layers.get(i));
        }
        return sb.append(')').toString();
    }
}
