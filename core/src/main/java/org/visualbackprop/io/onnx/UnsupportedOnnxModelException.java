package org.visualbackprop.io.onnx;

import java.io.IOException;

/**
 * A well-formed ONNX model that this project cannot represent: an operator it has no layer for, a setting its layer
 * lacks (a grouped or dilated convolution, padding that changes the output size when made symmetric), a graph that is
 * not a chain of layers (a residual connection), weights stored outside the file or in another number type. The
 * message names the file, the node (its name and operator) and what is supported.
 */
public final class UnsupportedOnnxModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsupportedOnnxModelException(String message) {
        super(message);
    }
}
