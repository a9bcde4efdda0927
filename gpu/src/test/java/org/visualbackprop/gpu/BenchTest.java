package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.visualbackprop.engine.DevicePreference;

/** The options of {@code Bench.main} (what gpu/bench-on-device.sh passes); no timing here. */
class BenchTest {

    @Test
    void withoutOptionsItMeasuresWhatTheIssueAsks() {
        Bench.Config c = Bench.parse(new String[0]);
        assertEquals(List.of(DevicePreference.AUTO), c.devices());
        assertArrayEquals(new int[] {1, 64}, c.batches());
        assertEquals(5, c.repeats());
        assertEquals(2, c.warmup());
        assertEquals(List.of("netsvf", "nethvf", "authors"), c.nets());
        assertTrue(c.profile());
    }

    @Test
    void everyOptionIsRead() {
        Bench.Config c = Bench.parse(new String[] {"--device", "gpu,java", "--batches", "1, 4", "--repeats", "3", "--no-profile",
                "--warmup", "0", "--nets", "netsvf"});
        assertEquals(List.of(DevicePreference.GPU, DevicePreference.JAVA), c.devices());
        assertArrayEquals(new int[] {1, 4}, c.batches());
        assertEquals(3, c.repeats());
        assertEquals(0, c.warmup());
        assertEquals(List.of("netsvf"), c.nets());
        assertFalse(c.profile());
    }

    @Test
    void badOptionsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--repeat", "3"}))
                .getMessage().contains("unknown option --repeat"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--batches"}))
                .getMessage().contains("--batches needs a value"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--batches", "0"}))
                .getMessage().contains("batch sizes must be >= 1, got 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Bench.parse(new String[] {"--repeats", "0"}))
                .getMessage().contains("repeats >= 1"));
    }

    @Test
    void aBatchTooLargeForTheHeapIsRefusedBeforeAnyMeasurement() {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        java.io.PrintStream out = new java.io.PrintStream(text, true, java.nio.charset.StandardCharsets.UTF_8);
        Bench.Config c = new Bench.Config(List.of(DevicePreference.JAVA), new int[] {1, 20000}, 1, 0, List.of("netsvf"), false);
        org.visualbackprop.io.LimitExceededException e = assertThrows(org.visualbackprop.io.LimitExceededException.class,
                () -> Bench.run(c, out));
        assertTrue(e.getMessage().startsWith("--batches 20000 of NetSVF on java: a batch of 20,000 images needs at least"), e.getMessage());
        long perImage = org.visualbackprop.io.Limits.traceBytesPerSample(org.visualbackprop.nets.PaperNets.netSvf(1));
        assertTrue(20000L * perImage > Runtime.getRuntime().maxMemory(), "the case is one a heap this size cannot hold");
        assertFalse(text.toString(java.nio.charset.StandardCharsets.UTF_8).contains("NetSVF        1"), "batch 1 was not measured either");
    }
}
