package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;

class IdxTest {
    @TempDir
    Path dir;

    static Idx.Images smallImages(int count, int rows, int cols) {
        byte[] px = new byte[count * rows * cols];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 37 + 11);
        }
        return new Idx.Images(count, rows, cols, px);
    }

    @Test
    void imagesAndLabelsRoundTripPlainAndGzipped() throws IOException {
        Idx.Images img = smallImages(3, 4, 5);
        Idx.Labels lab = new Idx.Labels(new byte[] {0, 9, (byte) 200});
        for (String suffix : new String[] {"", ".gz"}) {
            Path pi = dir.resolve("img" + suffix);
            Path pl = dir.resolve("lab" + suffix);
            Idx.writeImages(pi, img);
            Idx.writeLabels(pl, lab);
            Idx.Images ri = Idx.readImages(pi);
            assertEquals(3, ri.count());
            assertEquals(4, ri.rows());
            assertEquals(5, ri.cols());
            assertArrayEquals(img.pixels(), ri.pixels());
            assertEquals(img.pixels()[(2 * 4 + 3) * 5 + 1] & 0xff, ri.pixel(2, 3, 1));
            Idx.Labels rl = Idx.readLabels(pl);
            assertArrayEquals(lab.values(), rl.values());
            assertEquals(200, rl.label(2));
        }
        // a gzip file is recognised by its content, whatever its name
        Path gzNoSuffix = dir.resolve("plain-name");
        Files.write(gzNoSuffix, gzip(Files.readAllBytes(dir.resolve("img"))));
        assertArrayEquals(img.pixels(), Idx.readImages(gzNoSuffix).pixels());
    }

    @Test
    void headerBytesAreBigEndianAsInTheFormat() throws IOException {
        Path p = dir.resolve("img");
        Idx.writeImages(p, smallImages(2, 3, 4));
        byte[] b = Files.readAllBytes(p);
        assertArrayEquals(new byte[] {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4}, Arrays.copyOf(b, 16));
        assertEquals(16 + 24, b.length);
    }

    @Test
    void wrongMagicNamesFileOffsetAndBothNumbers() throws IOException {
        Path p = dir.resolve("labels-as-images");
        Idx.writeLabels(p, new Idx.Labels(new byte[] {1, 2}));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Idx.readImages(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()) && m.contains("offset 0") && m.contains("2049") && m.contains("2051"), m);
        Path q = dir.resolve("junk");
        Files.write(q, "hello, world! this is not IDX".getBytes());
        m = assertThrows(CorruptFileException.class, () -> Idx.readLabels(q)).getMessage();
        assertTrue(m.contains("magic") && m.contains("2049"), m);
    }

    @Test
    void truncatedDataSaysHowMuchWasExpectedAndWhereItEnded() throws IOException {
        Path full = dir.resolve("full");
        Idx.writeImages(full, smallImages(2, 3, 4));
        byte[] b = Files.readAllBytes(full);
        Path cut = dir.resolve("cut");
        Files.write(cut, Arrays.copyOf(b, b.length - 5));
        String m = assertThrows(CorruptFileException.class, () -> Idx.readImages(cut)).getMessage();
        assertTrue(m.contains(cut.toString()) && m.contains("truncated") && m.contains("24 bytes") && m.contains("offset 16")
                && m.contains("offset 35"), m);
        Path header = dir.resolve("header-only");
        Files.write(header, Arrays.copyOf(b, 10));
        m = assertThrows(CorruptFileException.class, () -> Idx.readImages(header)).getMessage();
        assertTrue(m.contains("truncated") && m.contains("row count"), m);
        // the same inside gzip
        Path gz = dir.resolve("cut.gz");
        Files.write(gz, gzip(Arrays.copyOf(b, b.length - 5)));
        m = assertThrows(CorruptFileException.class, () -> Idx.readImages(gz)).getMessage();
        assertTrue(m.contains("truncated") && m.contains("uncompressed") || m.contains("offset 35"), m);
    }

    @Test
    void brokenGzipIsACorruptFile() throws IOException {
        Path full = dir.resolve("full.gz");
        Idx.writeImages(full, smallImages(20, 10, 10));
        byte[] b = Files.readAllBytes(full);
        Path cut = dir.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(b, b.length / 2));
        String m = assertThrows(CorruptFileException.class, () -> Idx.readImages(cut)).getMessage();
        assertTrue(m.contains(cut.toString()), m);
        byte[] bad = b.clone();
        bad[b.length - 6] ^= 0x55; // damage the CRC/length trailer
        Path crc = dir.resolve("crc.gz");
        Files.write(crc, bad);
        m = assertThrows(CorruptFileException.class, () -> Idx.readImages(crc)).getMessage();
        assertTrue(m.contains(crc.toString()) && m.contains("gzip"), m);
    }

    @Test
    void trailingDataAndImpossibleSizesAreRefused() throws IOException {
        Path p = dir.resolve("img");
        Idx.writeImages(p, smallImages(1, 2, 2));
        Path longer = dir.resolve("longer");
        byte[] b = Files.readAllBytes(p);
        byte[] more = Arrays.copyOf(b, b.length + 3);
        Files.write(longer, more);
        String m = assertThrows(CorruptFileException.class, () -> Idx.readImages(longer)).getMessage();
        assertTrue(m.contains("more data") && m.contains("offset 20"), m);
        Path zero = dir.resolve("zero-rows");
        Files.write(zero, header(Idx.IMAGES_MAGIC, 1, 0, 5));
        m = assertThrows(CorruptFileException.class, () -> Idx.readImages(zero)).getMessage();
        assertTrue(m.contains("impossible sizes") && m.contains("0 x 5"), m);
        Path huge = dir.resolve("huge");
        Files.write(huge, header(Idx.IMAGES_MAGIC, 100_000, 1000, 1000));
        m = assertThrows(CorruptFileException.class, () -> Idx.readImages(huge)).getMessage();
        assertTrue(m.contains("100000") && m.contains("pixels"), m);
    }

    @Test
    void aHeaderAnnouncingMillionsOfImagesIsRefusedBeforeAnythingIsAllocated() throws Exception {
        // the case: 2.7 million images of 28 x 28 announced, a few bytes there
        byte[] head = header(Idx.IMAGES_MAGIC, 2_700_000, 28, 28);
        byte[] file = Arrays.copyOf(head, head.length + 100);
        Path plain = dir.resolve("bomb-images-idx3-ubyte");
        Files.write(plain, file);
        org.visualbackprop.testing.HostileReads.Outcome o = org.visualbackprop.testing.HostileReads.read(plain, Idx::readImages);
        assertTrue(o.thrown() instanceof CorruptFileException, String.valueOf(o.thrown()));
        assertTrue(o.thrown().getMessage().contains(plain + ": truncated") && o.thrown().getMessage().contains("2116800000 bytes")
                && o.thrown().getMessage().contains("100 bytes after the header"), o.thrown().getMessage());
        assertTrue(o.allocatedBytes() < 1 << 20, "allocated " + o.allocatedBytes() + " bytes");
        // gzipped, the length is known only by reading: memory follows the data there, not the header
        Path gz = dir.resolve("bomb-images-idx3-ubyte.gz");
        Files.write(gz, gzip(file));
        o = org.visualbackprop.testing.HostileReads.read(gz, Idx::readLabels);
        assertTrue(o.thrown() instanceof CorruptFileException, String.valueOf(o.thrown()));
        o = org.visualbackprop.testing.HostileReads.read(gz, Idx::readImages);
        assertTrue(o.thrown() instanceof org.visualbackprop.io.LimitExceededException, String.valueOf(o.thrown()));
        assertTrue(o.thrown().getMessage().contains("vbp.max.array.bytes"), o.thrown().getMessage());
        System.setProperty("vbp.max.array.bytes", String.valueOf(3L << 30));
        try {
            o = org.visualbackprop.testing.HostileReads.read(gz, Idx::readImages);
        } finally {
            System.clearProperty("vbp.max.array.bytes");
        }
        assertTrue(o.thrown() instanceof CorruptFileException && o.thrown().getMessage().contains("truncated"), String.valueOf(o.thrown()));
        assertTrue(o.allocatedBytes() < 8 << 20, "allocated " + o.allocatedBytes() + " bytes");
    }

    @Test
    void missingFileIsNoSuchFile() {
        Path p = dir.resolve("nope");
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Idx.readLabels(p));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    private static byte[] header(int magic, int... dims) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bos);
        out.writeInt(magic);
        for (int d : dims) {
            out.writeInt(d);
        }
        return bos.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
            gz.write(data);
        }
        return bos.toByteArray();
    }
}
