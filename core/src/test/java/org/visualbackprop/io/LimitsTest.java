package org.visualbackprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/** The limits: their properties, their messages, the batch estimate and reading with a bound. */
class LimitsTest {
    @AfterEach
    void clear() {
        for (Limits.Limit l : Limits.Limit.values()) {
            System.clearProperty(l.property());
        }
    }

    @Test
    void eachLimitIsItsPropertyOrItsDefault() {
        assertEquals(50_000_000L, Limits.Limit.IMAGE_PIXELS.value());
        assertEquals(256L << 20, Limits.Limit.ZIP_ENTRY_BYTES.value());
        assertEquals(1L << 30, Limits.Limit.ARRAY_BYTES.value());
        System.setProperty("vbp.max.image.pixels", "200_000_000");
        assertEquals(200_000_000L, Limits.Limit.IMAGE_PIXELS.value());
        System.setProperty("vbp.max.array.bytes", "lots");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Limits.Limit.ARRAY_BYTES::value);
        assertEquals("system property vbp.max.array.bytes must be a positive integer, got 'lots'", e.getMessage());
    }

    @Test
    void aRefusalNamesTheSourceTheAmountTheLimitAndTheProperty() throws LimitExceededException {
        Limits.check(Limits.Limit.IMAGE_PIXELS, 50_000_000L, "a.png", "the image");
        LimitExceededException e = assertThrows(LimitExceededException.class,
                () -> Limits.check(Limits.Limit.IMAGE_PIXELS, 900_000_000L, "a.png", "the PNG image (30000 x 30000)"));
        assertEquals("a.png: the PNG image (30000 x 30000) has 900,000,000 pixels, more than the limit of 50,000,000 pixels"
                + " (vbp.max.image.pixels; raise it with java -Dvbp.max.image.pixels=N -jar vbp.jar ...)", e.getMessage());
    }

    @Test
    void theBatchEstimateIsTheRecordedLayerOutputsAndTheHeapBoundsIt() throws LimitExceededException {
        Network net = PaperNets.small(new Shape(1, 1, 32, 64), 1, false, 1);
        long floats = net.inputShape().sampleSize();
        for (Shape s : net.shapes(1)) {
            floats += s.sampleSize();
        }
        assertEquals(4 * floats, Limits.traceBytesPerSample(net));
        long heap = Runtime.getRuntime().maxMemory();
        Limits.requireBatchFits(1, heap / 2, "fits");
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> Limits.requireBatchFits(3, heap / 2, "--batch 3"));
        assertTrue(e.getMessage().startsWith("--batch 3: a batch of 3 images needs at least ") && e.getMessage().contains("largest batch that fits is 2"),
                e.getMessage());
        System.setProperty("vbp.max.batch", "100");
        Limits.requireBatchFits(100, heap, "the property overrides the estimate");
        assertThrows(LimitExceededException.class, () -> Limits.requireBatchFits(101, 1, "--batch 101"));
    }

    @Test
    void readingWithABoundAllocatesWhatArrivesNotWhatWasAnnounced() throws IOException {
        byte[] data = new byte[3_000_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        assertArrayEquals(data, Limits.readUpTo(new ByteArrayInputStream(data), data.length));
        // a stream that hands out a few bytes at a time
        InputStream trickle = new ByteArrayInputStream(data) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
        assertArrayEquals(java.util.Arrays.copyOf(data, 2_500_000), Limits.readUpTo(trickle, 2_500_000));
        // announced 2 GB, 100 bytes there
        long before = allocated();
        byte[] got = Limits.readUpTo(new ByteArrayInputStream(new byte[100]), Integer.MAX_VALUE - 8);
        assertEquals(100, got.length);
        assertTrue(allocated() - before < 4 << 20, "allocated " + (allocated() - before));
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
