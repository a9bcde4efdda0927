package org.visualbackprop.io.torch;

import java.io.IOException;

/**
 * A well-formed Torch7 model that this project cannot represent: a module class it has no layer for, or a setting
 * its layer lacks (a ceil-mode pooling whose sizes differ, an old-style dropout, a grouped convolution). The message
 * names the file, the module's class and where it sits ({@code model.modules[1].modules[4]}).
 */
public final class UnsupportedTorchModelException extends IOException {
    private static final long serialVersionUID = 1L;

    public UnsupportedTorchModelException(String message) {
        super(message);
    }
}
