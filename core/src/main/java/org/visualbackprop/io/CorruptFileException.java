package org.visualbackprop.io;

import java.io.IOException;

/** A file that exists but is not what it should be: truncated, corrupt or of a foreign format. The message names the
 * file, where in it the problem lies, and what was expected. */
public final class CorruptFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptFileException(String message) {
        super(message);
    }

    public CorruptFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
