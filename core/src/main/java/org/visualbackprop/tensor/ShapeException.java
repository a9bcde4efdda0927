package org.visualbackprop.tensor;

/**
 * The one exception type for shape errors: a tensor, window or layer got dimensions it cannot work with.
 * Messages print the values involved, for example
 * {@code "Conv2d expects 3 input channels, got 1 (input shape [1, 1, 125, 640])"}.
 */
public final class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }
}
