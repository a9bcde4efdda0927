package org.visualbackprop.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.testing.HostileReads;

/**
 * Hostile model files: non-finite weights and statistics are refused naming the layer and the tensor; entries the
 * model does not need are never read (a zip bomb beside the model costs nothing); an entry it needs that is larger
 * than the limit is refused before it is read, and a lying declared size is caught by reading with a bound; a failed
 * save leaves no temporary file.
 */
class ModelFileHostileTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearLimit() {
        System.clearProperty(Limits.Limit.ZIP_ENTRY_BYTES.property());
    }

    private Map<String, byte[]> entries() throws IOException {
        Path f = dir.resolve("good.vbpm");
        ModelFile.save(ModelFileTest.everyLayerKind(11), ModelFileTest.provenance(), f);
        return ModelFileTest.entries(f);
    }

    /** The entry's array with {@code value} at {@code index}. */
    private static byte[] withValue(byte[] npy, int index, float value) throws IOException {
        NpyArray a = Npy.read(new ByteArrayInputStream(npy), "entry");
        float[] f = a.floats();
        f[index] = value;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a.shape(), f);
        return out.toByteArray();
    }

    @Test
    void aNanWeightOrAnInfiniteStatisticIsRefusedNamingLayerAndTensor() throws IOException {
        Object[][] cases = {
            {"tensors/1.weight.npy", 4, Float.NaN, "conv1 (layer 1, Conv2d) weight[4] is NaN"},
            {"tensors/0.running_mean.npy", 2, Float.POSITIVE_INFINITY, "bn1 (layer 0, BatchNorm2d) running_mean[2] is Infinity"},
            {"tensors/8.bias.npy", 0, Float.NEGATIVE_INFINITY, "fc1 (layer 8, Dense) bias[0] is -Infinity"},
        };
        for (Object[] c : cases) {
            Map<String, byte[]> e = entries();
            String entry = (String) c[0];
            assertTrue(e.containsKey(entry), entry);
            e.put(entry, withValue(e.get(entry), (Integer) c[1], (Float) c[2]));
            Path f = dir.resolve("bad.vbpm");
            ModelFileTest.write(e, f);
            CorruptFileException ex = assertThrows(CorruptFileException.class, () -> Models.open(f, null), entry);
            assertTrue(ex.getMessage().startsWith(f + ": "), ex.getMessage());
            assertTrue(ex.getMessage().contains((String) c[3]), ex.getMessage());
            assertTrue(ex.getMessage().contains("must be finite"), ex.getMessage());
        }
    }

    @Test
    void anEntryTheModelDoesNotNeedIsNeverRead() throws Exception {
        Map<String, byte[]> e = entries();
        e.put("extra/zeros.bin", new byte[48 << 20]); // 48 MiB of zeros, about 48 KiB deflated
        Path f = dir.resolve("bomb.vbpm");
        ModelFileTest.write(e, f);
        assertTrue(Files.size(f) < 1 << 20, "the archive is small: " + Files.size(f));
        HostileReads.Outcome o = HostileReads.read(f, p -> Models.open(p, null));
        assertEquals(null, o.thrown());
        assertTrue(o.allocatedBytes() < 16 << 20, "loading allocated " + o.allocatedBytes() + " bytes");
    }

    @Test
    void aNeededEntryLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        Map<String, byte[]> e = entries();
        byte[] props = e.get("model.properties");
        e.put("model.properties", concat(props, ("# " + "x".repeat(3 << 20) + "\n").getBytes(StandardCharsets.UTF_8)));
        Path f = dir.resolve("big.vbpm");
        ModelFileTest.write(e, f);
        System.setProperty(Limits.Limit.ZIP_ENTRY_BYTES.property(), String.valueOf(1 << 20));
        HostileReads.Outcome o = HostileReads.read(f, p -> Models.open(p, null));
        assertTrue(o.thrown() instanceof LimitExceededException, String.valueOf(o.thrown()));
        String m = o.thrown().getMessage();
        assertTrue(m.contains(f + "!model.properties"), m);
        assertTrue(m.contains("as the archive says") && m.contains("vbp.max.zip.entry.bytes") && m.contains("1,048,576"), m);
        assertTrue(o.allocatedBytes() < 2 << 20, "refused before reading: allocated " + o.allocatedBytes());
        System.clearProperty(Limits.Limit.ZIP_ENTRY_BYTES.property());
        assertEquals(null, HostileReads.read(f, p -> Models.open(p, null)).thrown(), "loads under the default limit");
    }

    @Test
    void aDeclaredSizeThatLiesIsCaughtByReadingWithABound() throws Exception {
        Map<String, byte[]> e = entries();
        e.put("model.properties", concat(e.get("model.properties"), ("# " + "x".repeat(3 << 20) + "\n").getBytes(StandardCharsets.UTF_8)));
        Path f = dir.resolve("liar.vbpm");
        ModelFileTest.write(e, f);
        // the central directory's uncompressed size of model.properties: 100 bytes
        byte[] b = Files.readAllBytes(f);
        int cen = centralDirectoryEntry(b, "model.properties");
        ByteBuffer.wrap(b, cen + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(100);
        Files.write(f, b);
        System.setProperty(Limits.Limit.ZIP_ENTRY_BYTES.property(), String.valueOf(1 << 20));
        HostileReads.Outcome o = HostileReads.read(f, p -> Models.open(p, null));
        assertTrue(o.thrown() instanceof IOException, String.valueOf(o.thrown()));
        assertTrue(o.thrown().getMessage().contains(f.toString()), o.thrown().getMessage());
        assertTrue(o.allocatedBytes() < 8 << 20, "read at most the limit: allocated " + o.allocatedBytes());
    }

    @Test
    void aFailedSaveLeavesNoTemporaryFileAndTheOldFileUntouched() throws IOException {
        Path target = dir.resolve("m.vbpm");
        Files.createDirectories(target.resolve("occupied"));
        assertThrows(IOException.class, () -> ModelFile.save(ModelFileTest.everyLayerKind(3), Provenance.empty(), target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("m.vbpm"), s.map(p -> p.getFileName().toString()).toList(), "nothing left beside it");
        }
        assertTrue(Files.isDirectory(target.resolve("occupied")));
    }

    private static int centralDirectoryEntry(byte[] b, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 + n.length <= b.length; i++) {
            if (b[i] == 0x50 && b[i + 1] == 0x4b && b[i + 2] == 0x01 && b[i + 3] == 0x02) {
                int len = ByteBuffer.wrap(b, i + 28, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
                if (len == n.length && java.util.Arrays.equals(b, i + 46, i + 46 + len, n, 0, len)) {
                    return i;
                }
            }
        }
        throw new AssertionError("no central directory entry " + name);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
