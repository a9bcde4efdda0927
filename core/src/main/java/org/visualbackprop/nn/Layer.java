package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * One layer of a {@link Network}. Layers write into output tensors the network provides, so a forward pass
 * allocates nothing in steady state. A layer keeps what its backward pass needs from the last training forward
 * pass (a dropout mask, batch statistics), so a layer, like its network, is not thread-safe.
 */
public interface Layer {
    /** The class of layer, as the tables print it: {@code "Conv2d"}. */
    String kind();

    /**
     * The output shape for an input shape.
     *
     * @throws org.visualbackprop.tensor.ShapeException naming the layer, what it expects and what it got
     */
    Shape outputShape(Shape in);

    /**
     * Computes the output.
     *
     * @param in  not modified
     * @param out of shape {@code outputShape(in.shape())}, modified (overwritten)
     */
    void forward(Tensor in, Tensor out, Mode mode);

    /**
     * Back-propagates: adds parameter gradients and, when {@code gradIn} is not null, overwrites it with the
     * gradient with respect to the input. Valid right after {@link #forward} on the same {@code in}/{@code out}.
     *
     * @param in      the forward input, not modified
     * @param out     the forward output, not modified
     * @param gradOut gradient of the loss with respect to {@code out}, not modified
     * @param gradIn  input-shaped or null, modified
     * @param mode    the mode of the forward pass
     * @param parameterGradients whether to add to the parameters' gradients (false when only the input
     *                gradient is wanted, as for explanations)
     */
    void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients);

    /**
     * Checks the tensors a forward or backward call got: {@code out} (and {@code gradOut}) must have
     * {@link #outputShape}{@code (in.shape())}, {@code gradIn} (when not null) the input's shape. Every layer calls it
     * first, so a wrong tensor fails with a {@link org.visualbackprop.tensor.ShapeException} naming the layer, never
     * an index error from inside a loop.
     *
     * @param gradOut may be null (forward)
     * @param gradIn  may be null
     */
    default void checkShapes(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn) {
        Shape want = outputShape(in.shape());
        if (!out.shape().equals(want)) {
            throw new org.visualbackprop.tensor.ShapeException(this + " makes " + want + " from " + in.shape()
                    + ", but its output tensor is " + out.shape());
        }
        if (gradOut != null && !gradOut.shape().equals(want)) {
            throw new org.visualbackprop.tensor.ShapeException(this + ": the gradient of its output must be " + want + ", got " + gradOut.shape());
        }
        if (gradIn != null && !gradIn.shape().equals(in.shape())) {
            throw new org.visualbackprop.tensor.ShapeException(this + ": the input gradient must be " + in.shape() + ", got " + gradIn.shape());
        }
    }

    /** Trainable parameters (not copies). */
    default List<Parameter> parameters() {
        return List.of();
    }

    /** Named non-trainable state saved with the model (BatchNorm's running statistics); not copies. */
    default List<NamedTensor> buffers() {
        return List.of();
    }

    /** The kernel geometry of a conv or pooling layer, shown as "filter" and "stride" in tables; null otherwise. */
    default org.visualbackprop.tensor.Window window() {
        return null;
    }

    /** Settings that define the layer besides its tensors (saved in model files), in a stable order. */
    List<Setting> settings();

    /** Number of trainable values. */
    default long parameterCount() {
        long s = 0;
        for (Parameter p : parameters()) {
            s += p.value().shape().size();
        }
        return s;
    }

    /** A tensor with a name, such as BatchNorm's {@code running_mean}. */
    record NamedTensor(String name, Tensor tensor) {
    }

    /** One defining setting, such as {@code out=32}. */
    record Setting(String key, String value) {
        public static Setting of(String key, Object value) {
            return new Setting(key, String.valueOf(value));
        }
    }
}
