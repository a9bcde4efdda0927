package org.visualbackprop.engine;

import java.util.List;
import java.util.Optional;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.nn.Network;

/**
 * The plain-Java backend: core's own kernels ({@code Network}, {@code VisualBackProp}, {@code Lrp}) on the
 * {@link Parallel} threads. Always available; it runs every network core runs.
 */
public final class JavaBackend implements ComputeBackend {
    /** The id of its one device. */
    public static final String DEVICE_ID = "java";

    private static final DeviceInfo DEVICE = new DeviceInfo(DEVICE_ID, "java", DeviceType.JAVA_THREADS,
            "Java threads", System.getProperty("java.vm.vendor"),
            "Java " + System.getProperty("java.version") + ", " + Sgemm.describe().replaceFirst(", \\d+ threads?$", ""),
            Parallel.threads(), Runtime.getRuntime().maxMemory());

    @Override
    public String name() {
        return "java";
    }

    /** Its one device: this JVM's compute threads. */
    public static DeviceInfo device() {
        return DEVICE;
    }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(DEVICE);
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Optional<String> unsupported(Network network) {
        return Optional.empty();
    }

    @Override
    public InferenceEngine open(Network network, DeviceInfo device) {
        if (!device.id().equals(DEVICE_ID)) {
            throw new DeviceUnavailableException("the Java backend has no device " + device.id());
        }
        return new JavaEngine(network, DEVICE);
    }
}
