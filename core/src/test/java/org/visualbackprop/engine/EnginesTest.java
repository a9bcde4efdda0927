package org.visualbackprop.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/**
 * Device choice with core alone on the class path (no OpenCL backend): every preference ends on Java threads, with a
 * one-line notice, and nothing throws.
 */
class EnginesTest {
    private static final Network NET = PaperNets.small(new Shape(1, 1, 16, 16), 1, false, 1);

    @Test
    void withoutAnOpenClBackendTheListingHoldsJavaThreadsOnly() {
        Engines.Listing l = Engines.list();
        assertEquals(List.of(JavaBackend.device()), l.devices());
        assertFalse(l.hasOpenCL());
        assertTrue(JavaBackend.device().describe().contains("Java threads"), JavaBackend.device().describe());
    }

    @Test
    void everyPreferenceFallsBackToJavaWithOneNotice() {
        for (DevicePreference p : DevicePreference.values()) {
            List<String> notices = new ArrayList<>();
            try (InferenceEngine e = Engines.open(NET, p, notices::add)) {
                assertEquals(DeviceType.JAVA_THREADS, e.device().type());
            }
            if (p == DevicePreference.JAVA) {
                assertTrue(notices.isEmpty(), notices.toString());
            } else {
                assertEquals(1, notices.size(), p + ": " + notices);
                assertTrue(notices.get(0).startsWith("no OpenCL device") && notices.get(0).contains("using Java threads"),
                        notices.get(0));
            }
        }
    }

    @Test
    void strictOpeningFailsWhenThePreferredKindIsMissing() {
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class,
                () -> Engines.openStrict(NET, DevicePreference.GPU));
        assertTrue(e.getMessage().contains("no gpu device"), e.getMessage());
        try (InferenceEngine java = Engines.openStrict(NET, DevicePreference.JAVA)) {
            assertEquals(JavaBackend.device(), java.device());
        }
    }

    @Test
    void preferencesParseTheCommandLinesSpelling() {
        assertEquals(DevicePreference.GPU, DevicePreference.parse("GPU"));
        assertEquals(DevicePreference.OPENCL_CPU, DevicePreference.parse(" opencl-cpu "));
        assertEquals(DevicePreference.JAVA, DevicePreference.parse("java"));
        assertEquals(DevicePreference.AUTO, DevicePreference.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DevicePreference.parse("cuda"));
        assertTrue(e.getMessage().contains("gpu, opencl-cpu, java"), e.getMessage());
        assertTrue(DevicePreference.OPENCL_CPU.accepts(DeviceType.OPENCL_CPU));
        assertFalse(DevicePreference.GPU.accepts(DeviceType.OPENCL_CPU));
    }
}
