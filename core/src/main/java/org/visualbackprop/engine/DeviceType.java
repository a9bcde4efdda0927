package org.visualbackprop.engine;

/** What kind of processor a {@link DeviceInfo} is. */
public enum DeviceType {
    /** A GPU reached through OpenCL. */
    OPENCL_GPU("GPU"),
    /** A CPU reached through OpenCL (for example PoCL). */
    OPENCL_CPU("CPU"),
    /** Another OpenCL device (accelerator, FPGA). */
    OPENCL_ACCELERATOR("accelerator"),
    /** The plain-Java kernels on this JVM's threads. */
    JAVA_THREADS("Java threads");

    private final String label;

    DeviceType(String label) {
        this.label = label;
    }

    /** True for the OpenCL kinds. */
    public boolean isOpenCL() {
        return this != JAVA_THREADS;
    }

    /** Short label as listings print it: {@code "GPU"}, {@code "CPU"}, {@code "Java threads"}. */
    public String label() {
        return label;
    }
}
