package org.visualbackprop.engine;

import java.util.Locale;
import java.util.Objects;

/**
 * A compute device as a backend sees it. Immutable.
 *
 * @param id           stable within one JVM: {@code "java"}, or {@code "opencl:<platform>:<device>"}
 * @param backend      the {@link ComputeBackend#name()} that offers it
 * @param type         GPU, CPU, accelerator or Java threads
 * @param name         the device's own name ({@code "NVIDIA H100 80GB HBM3"}, {@code "pthread-skylake-avx512"})
 * @param vendor       the vendor (of the OpenCL platform, or of the JVM)
 * @param version      the platform or runtime version ({@code "OpenCL 3.0 CUDA 13.0"})
 * @param computeUnits OpenCL compute units, or the number of Java compute threads
 * @param memoryBytes  global memory, or the JVM's maximum heap
 */
public record DeviceInfo(String id, String backend, DeviceType type, String name, String vendor, String version,
                         int computeUnits, long memoryBytes) {

    public DeviceInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(type, "type");
        name = name == null ? "?" : name.trim();
        vendor = vendor == null ? "?" : vendor.trim();
        version = version == null ? "" : version.trim();
    }

    /** True when the device is reached through OpenCL. */
    public boolean isOpenCL() {
        return type.isOpenCL();
    }

    /**
     * One line naming the device, as results and benchmarks print it:
     * {@code "NVIDIA H100 80GB HBM3 (NVIDIA Corporation, GPU, OpenCL 3.0 CUDA 13.0, 132 compute units, 79.1 GiB)"}.
     */
    public String describe() {
        String units = type == DeviceType.JAVA_THREADS ? computeUnits + " thread" + (computeUnits == 1 ? "" : "s")
                : computeUnits + " compute unit" + (computeUnits == 1 ? "" : "s");
        return name + " (" + vendor + ", " + type.label() + (version.isEmpty() ? "" : ", " + version) + ", " + units
                + ", " + gib(memoryBytes) + ")";
    }

    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    @Override
    public String toString() {
        return id + ": " + describe();
    }
}
