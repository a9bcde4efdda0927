package org.visualbackprop.engine;

import java.util.Locale;

/**
 * Which device a user asks for ({@code vbp explain --device ...}). {@link Engines} honours it when it can and
 * otherwise walks down the chain OpenCL GPU, OpenCL CPU, Java threads, with a one-line notice.
 */
public enum DevicePreference {
    /** The best there is: an OpenCL GPU, else an OpenCL CPU device, else Java threads. */
    AUTO("auto"),
    /** An OpenCL GPU. */
    GPU("gpu"),
    /** An OpenCL CPU device (PoCL, Intel's CPU runtime). */
    OPENCL_CPU("opencl-cpu"),
    /** The plain-Java kernels. */
    JAVA("java");

    private final String id;

    DevicePreference(String id) {
        this.id = id;
    }

    /** The command line's spelling: {@code auto}, {@code gpu}, {@code opencl-cpu}, {@code java}. */
    public String id() {
        return id;
    }

    /** True when a device of this type satisfies the preference ({@link #AUTO} takes any). */
    public boolean accepts(DeviceType type) {
        return switch (this) {
            case AUTO -> true;
            case GPU -> type == DeviceType.OPENCL_GPU;
            case OPENCL_CPU -> type == DeviceType.OPENCL_CPU || type == DeviceType.OPENCL_ACCELERATOR;
            case JAVA -> type == DeviceType.JAVA_THREADS;
        };
    }

    /**
     * Parses the command line's spelling, case-insensitively.
     *
     * @throws IllegalArgumentException listing the valid names
     */
    public static DevicePreference parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (DevicePreference p : values()) {
            if (p.id.equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown device '" + s + "': expected one of auto, gpu, opencl-cpu, java");
    }

    @Override
    public String toString() {
        return id;
    }
}
