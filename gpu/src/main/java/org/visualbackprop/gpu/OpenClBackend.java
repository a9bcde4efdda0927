package org.visualbackprop.gpu;

import java.util.List;
import java.util.Optional;
import org.visualbackprop.engine.ComputeBackend;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.DeviceUnavailableException;
import org.visualbackprop.engine.InferenceEngine;
import org.visualbackprop.explain.UnsupportedNetworkException;
import org.visualbackprop.nn.Network;

/**
 * The OpenCL backend: {@link NetKernel} through Aparapi on any OpenCL device (an NVIDIA GPU, PoCL on the CPU).
 * Registered in {@code META-INF/services/org.visualbackprop.engine.ComputeBackend}.
 */
public final class OpenClBackend implements ComputeBackend {
    /** The backend's name in device listings. */
    public static final String NAME = "opencl";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<DeviceInfo> devices() {
        return OpenClDevices.all().stream().map(OpenClDevices.Found::info).toList();
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(OpenClDevices.reason());
    }

    @Override
    public Optional<String> unsupported(Network network) {
        try {
            DeviceProgram.compile(network);
            return Optional.empty();
        } catch (UnsupportedNetworkException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public InferenceEngine open(Network network, DeviceInfo device) {
        OpenClDevices.Found f = OpenClDevices.byId(device.id());
        if (f == null) {
            throw new DeviceUnavailableException("no OpenCL device " + device.id() + " ("
                    + (OpenClDevices.reason() == null ? "not found" : OpenClDevices.reason()) + ")");
        }
        return new OpenClEngine(network, f);
    }
}
