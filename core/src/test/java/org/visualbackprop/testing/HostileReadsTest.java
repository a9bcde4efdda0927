package org.visualbackprop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;

/** The fuzzing harness catches each way a reader can misbehave, and lets a well-behaved one pass. */
class HostileReadsTest {
    private static final Mutant M = new Mutant("test", new byte[] {1, 2, 3});

    @Test
    void aReaderThatRefusesByNamePasses(@TempDir Path dir) throws Exception {
        HostileReads.Outcome o = HostileReads.assertReadsOrRefuses(M, dir, "f.bin", f -> {
            throw new CorruptFileException(f + ": bad");
        }, v -> true, 1 << 20, CorruptFileException.class);
        assertTrue(o.thrown() instanceof CorruptFileException);
        assertTrue(!Files.exists(dir.resolve("f.bin")), "the mutant's file is deleted");
    }

    @Test
    void anotherExceptionTypeFails(@TempDir Path dir) {
        AssertionError e = assertThrows(AssertionError.class, () -> HostileReads.assertReadsOrRefuses(M, dir, "f.bin", f -> {
            int[] a = new int[1];
            return a[f.toString().length()];
        }, v -> true, 1 << 20, CorruptFileException.class));
        assertTrue(e.getMessage().contains("ArrayIndexOutOfBoundsException"), e.getMessage());
        assertTrue(e.getMessage().contains("mutant: test"), e.getMessage());
    }

    @Test
    void aMessageWithoutTheFileNameFails(@TempDir Path dir) {
        AssertionError e = assertThrows(AssertionError.class, () -> HostileReads.assertReadsOrRefuses(M, dir, "f.bin", f -> {
            throw new CorruptFileException("bad");
        }, v -> true, 1 << 20, CorruptFileException.class));
        assertTrue(e.getMessage().contains("does not name the file"), e.getMessage());
    }

    @Test
    void anInvalidResultFails(@TempDir Path dir) {
        assertThrows(AssertionError.class, () -> HostileReads.assertReadsOrRefuses(M, dir, "f.bin", Files::readAllBytes,
                b -> b.length == 0, 1 << 20, IOException.class));
    }

    @Test
    void allocatingMoreThanTheBoundFails(@TempDir Path dir) {
        AssertionError e = assertThrows(AssertionError.class, () -> HostileReads.assertReadsOrRefuses(M, dir, "f.bin",
                f -> new byte[32 << 20].length, v -> true, 8 << 20, IOException.class));
        assertTrue(e.getMessage().contains("allocated"), e.getMessage());
        HostileReads.Outcome small = assertDoesNotThrowOutcome(dir);
        assertNotEquals(0, small.allocatedBytes());
    }

    private static HostileReads.Outcome assertDoesNotThrowOutcome(Path dir) {
        try {
            return HostileReads.assertReadsOrRefuses(M, dir, "g.bin", f -> new byte[1 << 20].length, v -> true, 8 << 20, IOException.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReadThatNeverEndsFails(@TempDir Path dir) {
        String old = System.getProperty("vbp.fuzz.seconds");
        System.setProperty("vbp.fuzz.seconds", "1");
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> HostileReads.assertReadsOrRefuses(M, dir, "f.bin", f -> {
                Thread.sleep(60_000);
                return 1;
            }, v -> true, 1 << 20, IOException.class));
            assertTrue(e.getMessage().contains("did not end within 1 s"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("vbp.fuzz.seconds");
            } else {
                System.setProperty("vbp.fuzz.seconds", old);
            }
        }
    }

    @Test
    void mutationsAreDeterministicAndDescribed() {
        byte[] valid = new byte[200];
        for (int i = 0; i < valid.length; i++) {
            valid[i] = (byte) i;
        }
        for (Mutations.Kind k : Mutations.Kind.values()) {
            Mutant a = Mutations.mutate(valid, List.of(valid), k, 42L);
            Mutant b = Mutations.mutate(valid, List.of(valid), k, 42L);
            assertEquals(a.description(), b.description());
            assertTrue(java.util.Arrays.equals(a.bytes(), b.bytes()), k.toString());
            assertTrue(a.description().startsWith("seed 42: "), a.description());
        }
        Mutant cut = Mutations.mutate(valid, List.of(valid), Mutations.Kind.TRUNCATE, 3L);
        assertTrue(cut.bytes().length < valid.length, cut.toString());
        assertTrue(cut.description().contains("truncate at " + cut.bytes().length + " of 200"), cut.description());
    }
}
