package org.visualbackprop.io;

import java.io.IOException;

/**
 * Input larger than one of the {@link Limits}: an image of too many pixels, a model-file entry or an array of too many
 * bytes, a batch too large for the heap. Not a damaged file: the message names the file (or what was asked for), the
 * size, the limit and the system property that raises it.
 */
public final class LimitExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    public LimitExceededException(String message) {
        super(message);
    }
}
