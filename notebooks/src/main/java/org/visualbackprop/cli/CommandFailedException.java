package org.visualbackprop.cli;

/**
 * A command that failed, with what it left on disk: the message is the reason and {@link OutputFolder#leftBehind()}
 * ({@code "training diverged: ...; left in place: m.vbpm (the checkpoint of epoch 2 of 5); nothing else was written"}).
 */
final class CommandFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CommandFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
