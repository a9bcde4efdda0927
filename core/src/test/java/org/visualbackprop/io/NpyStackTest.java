package org.visualbackprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stacks written a sample at a time, read a slice at a time, and continued after an interruption. */
class NpyStackTest {
    @TempDir
    Path dir;

    private static float[] values(int n, int seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) Math.sin(seed * 31 + i * 0.37);
        }
        return v;
    }

    @Test
    void aStackWrittenSampleBySampleEqualsTheWholeArrayWrittenAtOnce() throws IOException {
        float[] all = values(5 * 6, 1);
        Path whole = dir.resolve("whole.npy");
        Npy.write(whole, new int[] {5, 2, 3}, all);
        Path stacked = dir.resolve("stacked.npy");
        try (NpyStackWriter w = NpyStackWriter.create(stacked, 5, new int[] {2, 3})) {
            for (int i = 0; i < 5; i++) {
                w.append(all, i * 6);
            }
            assertTrue(w.complete());
            assertThrows(IllegalStateException.class, () -> w.append(all, 0));
        }
        assertArrayEquals(Files.readAllBytes(whole), Files.readAllBytes(stacked));
        NpyArray slice = Npy.readSamples(stacked, 1, 3);
        assertArrayEquals(new int[] {3, 2, 3}, slice.shape());
        assertArrayEquals(Arrays.copyOfRange(all, 6, 24), slice.floats());
        assertThrows(IllegalArgumentException.class, () -> Npy.readSamples(stacked, 4, 2));
    }

    @Test
    void aHeaderAnnouncingMoreThanTwoBillionValuesIsReadable() throws IOException {
        Path big = dir.resolve("big.npy");
        Files.write(big, Npy.headerBytes("<f4", new int[] {20000, 125, 640}));
        Npy.Header h = Npy.header(big);
        assertEquals(20000L * 125 * 640, h.count());
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Npy.readSamples(big, 0, 1));
        assertTrue(e.getMessage().contains("its header announces"), e.getMessage());
    }

    @Test
    void anInterruptedStackResumedGivesTheSameFileAsAnUninterruptedOne() throws IOException {
        float[] all = values(7 * 4, 2);
        Path straight = dir.resolve("straight.npy");
        try (NpyStackWriter w = NpyStackWriter.create(straight, 7, new int[] {4})) {
            for (int i = 0; i < 7; i++) {
                w.append(all, i * 4);
            }
        }
        Path cut = dir.resolve("cut.npy");
        try (NpyStackWriter w = NpyStackWriter.create(cut, 7, new int[] {4})) {
            for (int i = 0; i < 3; i++) {
                w.append(all, i * 4);
            }
        }
        // the run died while writing the fourth sample: 6 of its 16 bytes reached the disk
        Files.write(cut, new byte[6], StandardOpenOption.APPEND);
        assertThrows(CorruptFileException.class, () -> Npy.read(cut), "an unfinished stack is not mistaken for a whole one");
        assertThrows(CorruptFileException.class, () -> NpyStackWriter.resume(cut, 7, new int[] {4}, 4));
        assertThrows(CorruptFileException.class, () -> NpyStackWriter.resume(cut, 8, new int[] {4}, 3));
        try (NpyStackWriter w = NpyStackWriter.resume(cut, 7, new int[] {4}, 3)) {
            assertEquals(3, w.written());
            for (int i = 3; i < 7; i++) {
                w.append(all, i * 4);
            }
        }
        assertArrayEquals(Files.readAllBytes(straight), Files.readAllBytes(cut));
        assertEquals(ByteBuffer.wrap(Files.readAllBytes(cut)).capacity(), Files.size(straight));
    }
}
