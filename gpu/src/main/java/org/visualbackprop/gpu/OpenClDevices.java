package org.visualbackprop.gpu;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.internal.opencl.OpenCLLoader;
import com.aparapi.internal.opencl.OpenCLPlatform;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.DeviceType;

/**
 * The OpenCL devices Aparapi sees, found once per JVM. Never throws: without an OpenCL library or driver the list
 * is empty and {@link #reason()} says why.
 */
final class OpenClDevices {
    /** Kept so the level set on it is not lost when the logger would otherwise be collected. */
    private static final Logger APARAPI_LOG = Logger.getLogger("com.aparapi");

    /** A device as Aparapi knows it and as the engine SPI describes it. */
    record Found(OpenCLDevice device, DeviceInfo info) {
    }

    private static final List<Found> FOUND;
    private static final String REASON;

    static {
        // Aparapi logs warnings (an untested platform version, a missing local-variable table) to java.util.logging;
        // library code does not print, so only its errors pass.
        if (!Boolean.getBoolean("vbp.opencl.verbose")) {
            APARAPI_LOG.setLevel(Level.SEVERE);
        }
        List<Found> found = new ArrayList<>();
        String reason = null;
        try {
            if (!OpenCLLoader.isOpenCLAvailable()) {
                reason = "no OpenCL library or driver (Aparapi could not load OpenCL)";
            } else {
                List<OpenCLPlatform> platforms = OpenCLPlatform.getUncachedOpenCLPlatforms();
                for (int p = 0; p < platforms.size(); p++) {
                    OpenCLPlatform pl = platforms.get(p);
                    List<OpenCLDevice> ds = pl.getOpenCLDevices();
                    for (int d = 0; d < ds.size(); d++) {
                        OpenCLDevice dev = ds.get(d);
                        found.add(new Found(dev, describe(p, d, pl, dev)));
                    }
                }
                if (found.isEmpty()) {
                    reason = platforms.isEmpty() ? "no OpenCL platform installed (no ICD registered in /etc/OpenCL/vendors)"
                            : "the OpenCL platforms report no devices";
                }
            }
        } catch (Throwable t) { // an UnsatisfiedLinkError or a driver crash must not take the caller down
            found.clear();
            reason = "OpenCL could not be queried: " + t;
        }
        FOUND = List.copyOf(found);
        REASON = reason;
    }

    private OpenClDevices() {
    }

    /** The devices, in platform and device order. */
    static List<Found> all() {
        return FOUND;
    }

    /** Why there are none, or null. */
    static String reason() {
        return REASON;
    }

    /** The device with this id, or null. */
    static Found byId(String id) {
        for (Found f : FOUND) {
            if (f.info().id().equals(id)) {
                return f;
            }
        }
        return null;
    }

    private static DeviceInfo describe(int p, int d, OpenCLPlatform pl, OpenCLDevice dev) {
        DeviceType type = switch (dev.getType() == null ? Device.TYPE.UNKNOWN : dev.getType()) {
            case GPU -> DeviceType.OPENCL_GPU;
            case CPU -> DeviceType.OPENCL_CPU;
            default -> DeviceType.OPENCL_ACCELERATOR;
        };
        return new DeviceInfo("opencl:" + p + ":" + d, OpenClBackend.NAME, type, dev.getName(), pl.getVendor(),
                shortVersion(pl.getVersion()), dev.getMaxComputeUnits(), dev.getGlobalMemSize());
    }

    /** {@code "OpenCL 3.0 PoCL 3.1+debian  Linux, None+Asserts, ..."} becomes {@code "OpenCL 3.0 PoCL 3.1+debian"}. */
    static String shortVersion(String v) {
        if (v == null) {
            return "";
        }
        String t = v.trim();
        int cut = t.indexOf("  ");
        if (cut > 0) {
            t = t.substring(0, cut);
        }
        int comma = t.indexOf(',');
        return comma > 0 ? t.substring(0, comma).trim() : t;
    }
}
