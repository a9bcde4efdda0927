package org.visualbackprop.engine;

import java.util.List;
import java.util.Optional;
import org.visualbackprop.nn.Network;

/**
 * A provider of {@link InferenceEngine}s: the service interface that {@link java.util.ServiceLoader} finds
 * ({@code META-INF/services/org.visualbackprop.engine.ComputeBackend}). The plain-Java backend is built in; the
 * {@code gpu} module adds the OpenCL one.
 *
 * <p>A backend must not throw from {@link #devices()} or {@link #unavailableReason()} when its native parts are
 * missing (no OpenCL library, no driver): it reports no devices and says why.
 */
public interface ComputeBackend {

    /** Short name: {@code "java"}, {@code "opencl"}. */
    String name();

    /** The devices this backend can run on; empty when it has none (never throws). */
    List<DeviceInfo> devices();

    /** When {@link #devices()} is empty, one line saying why; empty otherwise. */
    Optional<String> unavailableReason();

    /** Why this backend cannot run {@code network} (an unsupported layer, say); empty when it can. */
    Optional<String> unsupported(Network network);

    /**
     * An engine for {@code network} on {@code device} (one of {@link #devices()}).
     *
     * @throws org.visualbackprop.explain.UnsupportedNetworkException when {@link #unsupported} says so
     * @throws DeviceUnavailableException when the device cannot be used after all (its compiler failed, say)
     */
    InferenceEngine open(Network network, DeviceInfo device);
}
