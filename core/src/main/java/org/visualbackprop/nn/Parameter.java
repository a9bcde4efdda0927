package org.visualbackprop.nn;

import java.util.Objects;
import org.visualbackprop.tensor.Tensor;

/**
 * A trainable tensor and its gradient (same shape). Backward passes add to {@link #grad()};
 * {@link #zeroGrad()} clears it.
 *
 * @param name  the role inside its layer: {@code "weight"}, {@code "bias"}
 * @param value the values, modified by optimizers
 * @param grad  the accumulated gradient
 * @param decay whether weight decay applies (weights of Conv2d and Dense: yes; biases and BatchNorm: no)
 */
public record Parameter(String name, Tensor value, Tensor grad, boolean decay) {
    public Parameter {
        Objects.requireNonNull(name, "name");
        value.requireSameShape(grad, "pair a parameter with its gradient:");
    }

    /** A parameter with a zero gradient. */
    public static Parameter of(String name, Tensor value, boolean decay) {
        return new Parameter(name, value, Tensor.zeros(value.shape()), decay);
    }

    /** Sets the gradient to zero. Modified: grad. */
    public void zeroGrad() {
        grad.fillInPlace(0f);
    }
}
