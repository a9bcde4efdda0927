package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.Engines;

/**
 * The OpenCL device the parity tests run on: the best one {@link Engines} lists (a GPU before a CPU device). Without
 * one the tests are skipped with the reason, unless the system property {@code vbp.requireOpenCL} is {@code true}
 * (CI sets it, having installed PoCL): then they fail, so that a CI run without OpenCL cannot pass by testing the
 * Java path only.
 */
final class TestDevices {
    /** System property that turns a missing OpenCL device from a skip into a failure. */
    static final String REQUIRE = "vbp.requireOpenCL";

    private TestDevices() {
    }

    /** True when a missing OpenCL device must fail the tests. */
    static boolean required() {
        return Boolean.getBoolean(REQUIRE);
    }

    /** The OpenCL device to test on; skips or fails (see the class description) when there is none. */
    static DeviceInfo openCl() {
        Engines.Listing listing = Engines.list();
        Optional<DeviceInfo> d = listing.devices().stream().filter(DeviceInfo::isOpenCL).findFirst();
        if (d.isEmpty()) {
            String why = "no OpenCL device found (" + String.join("; ", listing.notes()) + ")";
            if (required()) {
                fail(why + ", but " + REQUIRE + "=true: the OpenCL kernels must be tested here (apt-get install pocl-opencl-icd)");
            }
            Assumptions.abort(why + ": skipping the OpenCL tests (set -D" + REQUIRE + "=true to make this a failure)");
        }
        return d.get();
    }
}
