package org.visualbackprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.NumericAssert;

/**
 * NumPy {@code .npy} files. The files read here are written byte by byte in the test from the format's description
 * (numpy.lib.format: magic {@code \x93NUMPY}, version, little-endian header length, a Python dict literal padded
 * with spaces and a newline to a multiple of 64 bytes, then the raw values), so the reader is checked against the
 * format and not against this project's writer.
 */
class NpyTest {
    @TempDir
    Path dir;

    /** A complete .npy file: {@code major.0} header holding {@code dict}, then {@code data}. */
    static byte[] npy(int major, String dict, byte[] data) {
        int lenBytes = major == 1 ? 2 : 4;
        int unpadded = 6 + 2 + lenBytes + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x93);
        b.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
        b.write(major);
        b.write(0);
        int len = header.length();
        b.write(len & 0xff);
        b.write(len >> 8 & 0xff);
        if (lenBytes == 4) {
            b.write(len >> 16 & 0xff);
            b.write(len >> 24 & 0xff);
        }
        b.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
        b.writeBytes(data);
        return b.toByteArray();
    }

    static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer bb = ByteBuffer.allocate(4 * v.length).order(order);
        for (float f : v) {
            bb.putFloat(f);
        }
        return bb.array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer bb = ByteBuffer.allocate(8 * v.length).order(order);
        for (double d : v) {
            bb.putDouble(d);
        }
        return bb.array();
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void aHandWrittenFloat32FileIsRead() throws IOException {
        byte[] bytes = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, -6.5f));
        NpyArray a = Npy.read(file("a.npy", bytes));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals("<f4", a.dtype());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -6.5f}, a.floats());
        Tensor t = a.toTensor();
        assertEquals(new Shape(1, 1, 2, 3), t.shape());
        assertEquals(-6.5f, t.get(0, 0, 1, 2));
    }

    @Test
    void bigEndianFilesAreRead() throws IOException {
        NpyArray f = Npy.read(file("f.npy", npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }",
                floats(ByteOrder.BIG_ENDIAN, 1.5f, -2.25f, Float.MIN_VALUE))));
        assertArrayEquals(new float[] {1.5f, -2.25f, Float.MIN_VALUE}, f.floats());
        NpyArray d = Npy.read(file("d.npy", npy(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1, 2), }",
                doubles(ByteOrder.BIG_ENDIAN, Math.PI, -1e300))));
        assertArrayEquals(new double[] {Math.PI, -1e300}, d.doubles());
        assertEquals("<f8", d.dtype());
    }

    @Test
    void versionTwoAndThreeHeadersAreRead() throws IOException {
        NpyArray v2 = Npy.read(file("v2.npy", npy(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1, 2), }",
                doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4))));
        assertArrayEquals(new int[] {2, 1, 2}, v2.shape());
        assertArrayEquals(new double[] {1, 2, 3, 4}, v2.doubles());
        NpyArray v3 = Npy.read(file("v3.npy", npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }",
                floats(ByteOrder.LITTLE_ENDIAN, 7))));
        assertArrayEquals(new float[] {7}, v3.floats());
    }

    @Test
    void theWriterProducesNumpysHeaderLayout() throws IOException {
        Path p = dir.resolve("w.npy");
        Npy.write(p, new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
        byte[] b = Files.readAllBytes(p);
        byte[] want = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        assertArrayEquals(want, b, "bytes of a (2, 3) float32 array");
        Npy.write(p, new int[] {4}, new double[] {1, 2, 3, 4});
        assertArrayEquals(npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }",
                doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4)), Files.readAllBytes(p), "bytes of a (4,) float64 array");
    }

    @Test
    void float32AndFloat64RoundTripBitExactlyInSeveralRanks() throws IOException {
        SplittableRandom r = new SplittableRandom(51);
        int[][] shapes = {{}, {1}, {7}, {3, 5}, {2, 3, 4}, {2, 1, 3, 5}, {1, 2, 1, 2, 3}};
        for (int[] shape : shapes) {
            int n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] f = new float[n];
            double[] d = new double[n];
            float[] specials = {Float.NaN, Float.intBitsToFloat(0x7fc00123), -0f, Float.MIN_VALUE, Float.MAX_VALUE,
                    Float.NEGATIVE_INFINITY, 1e-40f};
            for (int i = 0; i < n; i++) {
                f[i] = i < specials.length ? specials[i] : (float) r.nextGaussian();
                d[i] = i < specials.length ? (double) specials[i] : r.nextGaussian() * 1e-300;
            }
            Path pf = dir.resolve("f" + shape.length + ".npy");
            Npy.write(pf, shape, f);
            NpyArray af = Npy.read(pf);
            assertArrayEquals(shape, af.shape());
            NumericAssert.assertBitIdentical(f, af.floats(), "float32 rank " + shape.length);
            Path pd = dir.resolve("d" + shape.length + ".npy");
            Npy.write(pd, shape, d);
            NpyArray ad = Npy.read(pd);
            assertArrayEquals(shape, ad.shape());
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(ad.doubles()[i]), "float64 element " + i);
            }
        }
        Tensor t = Tensor.uniform(new Shape(2, 3, 4, 5), -1, 1, r);
        Path pt = dir.resolve("t.npy");
        Npy.write(pt, t);
        Tensor back = Npy.read(pt).toTensor();
        assertEquals(t.shape(), back.shape());
        NumericAssert.assertBitIdentical(t.data(), back.data(), "tensor");
    }

    private CorruptFileException corrupt(String name, byte[] bytes) throws IOException {
        Path p = file(name, bytes);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Npy.read(p), name);
        assertTrue(e.getMessage().contains(p.toString()), "message names the file: " + e.getMessage());
        return e;
    }

    @Test
    void fortranOrderAndOtherDtypesAreRefusedSayingWhatTheFileHolds() throws IOException {
        CorruptFileException f = corrupt("fortran.npy", npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
                floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4)));
        assertTrue(f.getMessage().contains("Fortran"), f.getMessage());
        for (String dtype : new String[] {"<i4", "<f2", "|u1", "<c8", "|b1"}) {
            CorruptFileException e = corrupt("dtype.npy", npy(1, "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': (4,), }",
                    new byte[32]));
            assertTrue(e.getMessage().contains(dtype), e.getMessage());
        }
    }

    @Test
    void truncatedOrForeignFilesAreRefusedNamingTheFile() throws IOException {
        byte[] good = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }",
                doubles(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6));
        for (int cut : new int[] {0, 3, 7, 9, 20, 63, 64, 65, good.length - 1}) {
            corrupt("cut" + cut + ".npy", Arrays.copyOf(good, cut));
        }
        byte[] png = Arrays.copyOf(good, good.length);
        png[1] = 'P';
        assertTrue(corrupt("foreign.npy", png).getMessage().contains("magic"));
        byte[] v9 = good.clone();
        v9[6] = 9;
        assertTrue(corrupt("v9.npy", v9).getMessage().contains("9.0"));
    }

    @Test
    void malformedHeadersAreRefusedNamingTheFile() throws IOException {
        String[] dicts = {
                "{'descr': '', 'fortran_order': False, 'shape': (2,), }",
                "{'fortran_order': False, 'shape': (2,), }",
                "{'descr': '<f4', 'shape': (2,), }",
                "{'descr': '<f4', 'fortran_order': False, }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, -1), }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }",
                // more values than a Java array can hold, and products that overflow 64 bits
                "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000,), }",
                "{'descr': '<f8', 'fortran_order': False, 'shape': (300000000,), }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }",
                "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296,), }",
                // 2^64 elements: a 64-bit product wraps to 0
                "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }",
        };
        for (int i = 0; i < dicts.length; i++) {
            corrupt("header" + i + ".npy", npy(1, dicts[i], floats(ByteOrder.LITTLE_ENDIAN, 1, 2)));
        }
    }

    @Test
    void arraysOfMoreThanFourDimensionsDoNotBecomeTensors() {
        NpyArray a = new NpyArray(new int[] {1, 1, 1, 1, 2}, "<f4", new float[] {1, 2}, null);
        ShapeException e = assertThrows(ShapeException.class, a::toTensor);
        assertTrue(e.getMessage().contains("[1, 1, 1, 1, 2]"), e.getMessage());
        assertEquals(new Shape(1, 2, 1, 1), new NpyArray(new int[] {2}, "<f4", new float[] {1, 2}, null).toTensor().shape());
        assertEquals(new Shape(1, 2, 1, 1), new NpyArray(new int[] {2, 1, 1}, "<f4", new float[] {1, 2}, null).toTensor().shape());
        assertThrows(IllegalArgumentException.class, () -> Npy.write(new ByteArrayOutputStream(), new int[] {3}, new float[2]));
    }

    @Test
    void aHeaderAnnouncingMoreThanTheFileHoldsCostsNoMoreThanTheFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        byte[] header = ("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 1000), }" + " ".repeat(50) + "\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) header.length, 0});
        b.write(header);
        b.write(new byte[64]);
        Path f = tmp.resolve("bomb.npy");
        Files.write(f, b.toByteArray());
        org.visualbackprop.testing.HostileReads.Outcome o = org.visualbackprop.testing.HostileReads.read(f, Npy::read);
        assertTrue(o.thrown() instanceof CorruptFileException && o.thrown().getMessage().contains(f + ": file ends early"),
                String.valueOf(o.thrown()));
        assertTrue(o.allocatedBytes() < 4 << 20, "allocated " + o.allocatedBytes() + " bytes for a 200-byte file");
        System.setProperty(Limits.Limit.ARRAY_BYTES.property(), "1000");
        try {
            LimitExceededException e = assertThrows(LimitExceededException.class, () -> Npy.read(f));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("400,000,000 bytes")
                    && e.getMessage().contains("vbp.max.array.bytes") && e.getMessage().contains("-Dvbp.max.array.bytes=N"), e.getMessage());
        } finally {
            System.clearProperty(Limits.Limit.ARRAY_BYTES.property());
        }
    }
}
