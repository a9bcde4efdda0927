package org.visualbackprop.explain;

/** A network an explanation method cannot handle, with the layer and the reason. */
public final class UnsupportedNetworkException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public UnsupportedNetworkException(String message) {
        super(message);
    }
}
