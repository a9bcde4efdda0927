package org.visualbackprop.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visualbackprop.io.torch.Torch7Writer.module;
import static org.visualbackprop.io.torch.Torch7Writer.table;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.torch.Torch7Writer.Raw;
import org.visualbackprop.io.torch.Torch7Writer.Storage;
import org.visualbackprop.tensor.ShapeException;

class Torch7ReaderTest {
    @TempDir
    Path dir;

    private static byte[] ints(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) {
            b.putInt(i);
        }
        return b.array();
    }

    private static Object read(Object root) throws java.io.IOException {
        return Torch7Reader.read(Torch7Writer.bytes(root), "test.t7");
    }

    @Test
    void readsPlainValues() throws IOException {
        Map<Object, Object> t = table("number", -2.5, "text", "h\u00e9llo", 1.0, true, 2.0, false, "big", 1e300);
        TorchTable r = (TorchTable) read(t);
        assertEquals(5, r.size());
        assertEquals(-2.5, r.get("number"));
        assertEquals("h\u00e9llo", r.get("text"));
        assertEquals(true, r.get(1));
        assertEquals(false, r.get(2));
        assertEquals(1e300, r.get("big"));
        assertEquals(List.of(true, false), r.array());
        assertEquals(List.of("number", "text", 1.0, 2.0, "big"), List.copyOf(r.entries().keySet()), "file order kept");
        assertNull(read(null));
        assertEquals(7.0, read(7));
        assertEquals("", read(""));
    }

    @Test
    void backReferencesGiveTheObjectAlreadyRead() throws IOException {
        Map<Object, Object> shared = table("x", 1);
        Storage storage = Torch7Writer.floats(1, 2, 3, 4, 5, 6);
        Torch7Writer.Obj relu = module("nn.ReLU");
        Map<Object, Object> root = table("a", shared, "b", shared,
                "t1", Torch7Writer.view(storage, 1, 2, 3), "t2", Torch7Writer.view(storage, 4, 3),
                "m1", relu, "m2", relu);
        root.put("self", root);
        TorchTable r = (TorchTable) read(root);
        assertSame(r.get("a"), r.get("b"));
        assertSame(r, r.get("self"), "a table that contains itself");
        TorchTensor t1 = (TorchTensor) r.get("t1");
        TorchTensor t2 = (TorchTensor) r.get("t2");
        assertSame(t1.storage(), t2.storage());
        assertArrayEquals(new float[] {4, 5, 6}, t2.toFloats());
        assertEquals(3, t2.storageOffset(), "0-based in memory, 1-based in the file");
        assertSame(r.get("m1"), r.get("m2"));
        assertEquals("nn.ReLU", ((TorchObject) r.get("m1")).className());
        assertEquals(1, ((TorchObject) r.get("m1")).version());
    }

    @Test
    void oldFilesWithoutVersionStringsAreRead() throws IOException {
        Torch7Writer w = new Torch7Writer();
        w.legacy = true;
        w.value(module("nn.Linear", "weight", Torch7Writer.floatTensor(new double[] {1, 2}, 1, 2)));
        TorchObject o = (TorchObject) Torch7Reader.read(w.toByteArray(), "old.t7");
        assertEquals("nn.Linear", o.className());
        assertEquals(0, o.version());
        assertArrayEquals(new float[] {1, 2}, ((TorchTensor) o.field("weight")).toFloats());
    }

    @Test
    void stridedAndOffsetTensorsAreReadInRowMajorOrder() throws IOException {
        double[] s = new double[30];
        for (int i = 0; i < s.length; i++) {
            s[i] = i;
        }
        Storage st = Torch7Writer.floats(s);
        // element (i, j) = storage[2 + i + 3 j] (0-based): a transposed view starting at the third element
        Torch7Writer.Tensor transposed = new Torch7Writer.Tensor("torch.FloatTensor", new long[] {3, 4}, new long[] {1, 3}, 3, st);
        // expanded: stride 0 repeats a row
        Torch7Writer.Tensor expanded = new Torch7Writer.Tensor("torch.FloatTensor", new long[] {2, 3}, new long[] {0, 1}, 11, st);
        // 3-d with a gap between planes: (p, i, j) = storage[p*10 + i*3 + j]
        Torch7Writer.Tensor gapped = new Torch7Writer.Tensor("torch.FloatTensor", new long[] {2, 2, 3}, new long[] {10, 3, 1}, 1, st);
        TorchTable r = (TorchTable) read(table("t", transposed, "e", expanded, "g", gapped));
        TorchTensor t = (TorchTensor) r.get("t");
        float[] expected = new float[12];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                expected[i * 4 + j] = 2 + i + 3 * j;
            }
        }
        assertArrayEquals(expected, t.toFloats());
        assertFalse(t.isContiguous());
        assertArrayEquals(new long[] {3, 4}, t.size());
        assertArrayEquals(new long[] {1, 3}, t.stride());
        assertArrayEquals(new float[] {10, 11, 12, 10, 11, 12}, ((TorchTensor) r.get("e")).toFloats());
        assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15}, ((TorchTensor) r.get("g")).toFloats());
    }

    @Test
    void emptyTensorsHaveNoElements() throws IOException {
        TorchTensor t = (TorchTensor) read(Torch7Writer.emptyTensor());
        assertEquals(0, t.dim());
        assertEquals(0, t.elementCount());
        assertNull(t.storage());
        assertEquals(0, t.toFloats().length);
    }

    @Test
    void everyStorageTypeKeepsItsValues() throws IOException {
        Map<Object, Object> t = table(
                "double", new Storage("torch.DoubleStorage", new double[] {0.1, -1e-300}),
                "cuda", new Storage("torch.CudaStorage", new double[] {1.5f, -0.25f}),
                "long", new Storage("torch.LongStorage", new double[] {(double) (1L << 40) + 1, -3}),
                "int", new Storage("torch.IntStorage", new double[] {-7, Integer.MAX_VALUE}),
                "short", new Storage("torch.ShortStorage", new double[] {-300, 300}),
                "char", new Storage("torch.CharStorage", new double[] {-5, 5}),
                "byte", new Storage("torch.ByteStorage", new double[] {250, 3}),
                "half", new Storage("torch.HalfStorage", new double[] {1.5, -2, 0x1p-24, 65504}));
        TorchTable r = (TorchTable) read(t);
        TorchStorage d = (TorchStorage) r.get("double");
        assertEquals(TorchStorage.ElementType.FLOAT64, d.type());
        assertEquals(0.1, d.getDouble(0));
        assertEquals(-1e-300, d.getDouble(1));
        assertArrayEquals(new double[] {1.5, -0.25}, ((TorchStorage) r.get("cuda")).toDoubles());
        assertArrayEquals(new long[] {(1L << 40) + 1, -3}, ((TorchStorage) r.get("long")).toLongs());
        assertArrayEquals(new long[] {-7, Integer.MAX_VALUE}, ((TorchStorage) r.get("int")).toLongs());
        assertArrayEquals(new long[] {-300, 300}, ((TorchStorage) r.get("short")).toLongs());
        assertArrayEquals(new long[] {-5, 5}, ((TorchStorage) r.get("char")).toLongs());
        assertArrayEquals(new long[] {250, 3}, ((TorchStorage) r.get("byte")).toLongs());
        assertArrayEquals(new double[] {1.5, -2, 0x1p-24, 65504}, ((TorchStorage) r.get("half")).toDoubles());
        assertEquals(Float.POSITIVE_INFINITY, Torch7Reader.halfToFloat(0x7c00));
        assertTrue(Float.isNaN(Torch7Reader.halfToFloat(0x7e00)));
        assertEquals(-0.0f, Torch7Reader.halfToFloat(0x8000));
    }

    @Test
    void aTruncatedFileIsRefusedAtEveryCut() throws IOException {
        byte[] full = Torch7Writer.bytes(new TorchTestNets.NetA(1).model(true));
        Torch7Reader.read(full, "full.t7");
        for (int cut = 0; cut < full.length; cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> Torch7Reader.read(part, "cut.t7"),
                    "cut at " + cut);
            String m = e.getMessage();
            assertTrue(m.startsWith("cut.t7: at byte offset "), m);
            assertTrue(m.contains("the file ends after " + cut + " bytes") || m.contains("the file may be truncated"), m);
        }
    }

    @Test
    void aTruncatedFileOnDiskIsNamedWithOffsetAndWhatWasExpected() throws IOException {
        byte[] full = Torch7Writer.bytes(new TorchTestNets.NetA(2).model(false));
        for (int cut : new int[] {0, 3, 17, full.length / 2, full.length - 1}) {
            Path f = dir.resolve("cut" + cut + ".t7b");
            Files.write(f, Arrays.copyOf(full, cut));
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> Torch7Reader.read(f));
            assertTrue(e.getMessage().startsWith(f + ": at byte offset "), e.getMessage());
            assertTrue(e.getMessage().contains("expected"), e.getMessage());
            assertThrows(CorruptFileException.class, () -> TorchImport.load(f, TorchTestNets.NetA.INPUT));
        }
        CorruptFileException e = assertThrows(CorruptFileException.class,
                () -> Torch7Reader.read(Arrays.copyOf(full, 2), "x.t7"));
        assertEquals("x.t7: at byte offset 0: the file ends after 2 bytes while reading the type tag of value"
                + " (expected 4 more bytes for an int32, found 2; the file may be truncated)", e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Torch7Reader.read(dir.resolve("absent.t7")));
    }

    @Test
    void aCorruptTypeTagIsNamedWithItsOffsetAndPlace() throws IOException {
        Raw bad = new Raw(ints(42));
        Torch7Writer w = new Torch7Writer();
        w.value(Torch7Writer.sequential(false, module("nn.Linear", "weight", bad)));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Torch7Reader.read(w.toByteArray(), "tag.t7"));
        assertEquals("tag.t7: at byte offset " + w.offsetOf(bad) + ": unknown type tag 42 for value (nn.Sequential)"
                + ".modules[1] (nn.Linear).weight (expected 0 nil, 1 number, 2 string, 3 table, 4 torch object or"
                + " 5 boolean)", e.getMessage());
    }

    @Test
    void functionsAreRefused() throws IOException {
        for (int tag : new int[] {6, 7, 8}) {
            Raw fn = new Raw(ints(tag, 1, 4, 0x61754c1b));
            Torch7Writer w = new Torch7Writer();
            w.value(module("nn.Module", "hook", fn));
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> Torch7Reader.read(w.toByteArray(), "f.t7"));
            assertTrue(e.getMessage().contains("at byte offset " + w.offsetOf(fn) + ": a Lua function (type tag " + tag
                    + ") for value (nn.Module).hook"), e.getMessage());
        }
    }

    @Test
    void absurdLengthsAreRefusedBeforeAllocating() {
        String[] expected = {"string length 2147483647", "table entry count 1000000000", "storage length 4611686018427387904",
                "tensor with 100000 dimensions", "string length -4", "storage length -1"};
        byte[][] files = {
            ints(2, Integer.MAX_VALUE, 0),
            ints(3, 1, 1_000_000_000, 0, 0),
            concat(ints(4, 1), str("V 1"), str("torch.FloatStorage"), longs(1L << 62)),
            concat(ints(4, 1), str("V 1"), str("torch.FloatTensor"), ints(100_000)),
            ints(2, -4),
            concat(ints(4, 1), str("V 1"), str("torch.DoubleStorage"), longs(-1)),
        };
        for (int i = 0; i < files.length; i++) {
            int k = i;
            CorruptFileException e = assertThrows(CorruptFileException.class, () -> Torch7Reader.read(files[k], "a.t7"));
            assertTrue(e.getMessage().contains(expected[i]), e.getMessage());
        }
    }

    @Test
    void aTensorViewBeyondItsStorageIsRefused() {
        Torch7Writer.Tensor t = new Torch7Writer.Tensor("torch.FloatTensor", new long[] {2, 3}, new long[] {3, 1}, 2,
                Torch7Writer.floats(1, 2, 3, 4, 5, 6));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> read(t));
        assertTrue(e.getMessage().contains("reaches element 7 of a torch.FloatStorage of 6 elements"), e.getMessage());
        Torch7Writer.Tensor noStorage = new Torch7Writer.Tensor("torch.FloatTensor", new long[] {2}, new long[] {1}, 1, null);
        e = assertThrows(CorruptFileException.class, () -> read(noStorage));
        assertTrue(e.getMessage().contains("has no storage"), e.getMessage());
        Torch7Writer.Tensor negative = new Torch7Writer.Tensor("torch.FloatTensor", new long[] {2}, new long[] {-1}, 2,
                Torch7Writer.floats(1, 2));
        e = assertThrows(CorruptFileException.class, () -> read(negative));
        assertTrue(e.getMessage().contains("negative size or stride"), e.getMessage());
        Map<Object, Object> notAStorage = table("t", new Raw(concat(ints(4, 99), str("V 1"), str("torch.FloatTensor"),
                ints(1), longs(1, 1, 1), ints(3, 7, 0))));
        e = assertThrows(CorruptFileException.class, () -> read(notAStorage));
        assertTrue(e.getMessage().contains("is a table (expected a torch storage or nil)"), e.getMessage());
    }

    @Test
    void otherMalformedValuesAreRefused() {
        assertTrue(assertThrows(CorruptFileException.class, () -> Torch7Reader.read(ints(5, 2), "b.t7"))
                .getMessage().contains("boolean value 2"));
        assertTrue(assertThrows(CorruptFileException.class, () -> Torch7Reader.read(ints(3, 1, 1, 0, 1, 0), "k.t7"))
                .getMessage().contains("nil key"));
        assertTrue(assertThrows(CorruptFileException.class, () -> Torch7Reader.read(ints(0, 0), "trail.t7"))
                .getMessage().contains("4 bytes follow the end of the top-level value"));
        assertTrue(assertThrows(CorruptFileException.class, () -> Torch7Reader.read(concat(ints(4, 1), str("")), "e.t7"))
                .getMessage().contains("empty class name"));
    }

    @Test
    void deepNestingIsRefusedWithoutOverflowingTheStack() {
        int depth = 100_000;
        ByteBuffer b = ByteBuffer.allocate(depth * 20 + 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < depth; i++) {
            b.putInt(3).putInt(i + 1).putInt(1).putInt(2).putInt(0); // table {[""] = <next>}
        }
        b.putInt(0);
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> Torch7Reader.read(b.array(), "deep.t7"));
        assertTrue(e.getMessage().contains("nested more than " + Torch7Reader.MAX_DEPTH + " deep"), e.getMessage());
    }

    /**
     * Seeded random damage (overwritten bytes, cuts, inserted bytes) anywhere in a model file: reading and converting
     * either succeed or fail with the documented exceptions (CorruptFileException, UnsupportedTorchModelException,
     * ShapeException); never an index, arithmetic, null-pointer or memory error from inside.
     */
    @Test
    void randomlyDamagedFilesGiveAModelOrADocumentedException() {
        byte[] full = Torch7Writer.bytes(new TorchTestNets.NetA(3).model(true));
        SplittableRandom r = new SplittableRandom(2024);
        int read = 0;
        for (int trial = 0; trial < 3000; trial++) {
            byte[] b = full.clone();
            int kind = r.nextInt(3);
            if (kind == 0) {
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
            } else if (kind == 1) {
                int at = r.nextInt(b.length - 4);
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, r.nextBoolean() ? r.nextInt() : r.nextInt(-2, 10));
            } else {
                int at = r.nextInt(b.length);
                byte[] extra = new byte[1 + r.nextInt(8)];
                for (int i = 0; i < extra.length; i++) {
                    extra[i] = (byte) r.nextInt(256);
                }
                b = concat(Arrays.copyOf(b, at), extra, Arrays.copyOfRange(b, at, b.length));
            }
            try {
                Object root = Torch7Reader.read(b, "damaged.t7");
                read++;
                TorchImport.convert(root, TorchTestNets.NetA.INPUT, "damaged.t7");
            } catch (CorruptFileException | UnsupportedTorchModelException | ShapeException e) {
                assertTrue(e.getMessage().startsWith("damaged.t7: ") || e instanceof ShapeException, e.getMessage());
            } catch (IOException e) {
                throw new AssertionError("trial " + trial + ": undocumented " + e, e);
            }
        }
        assertTrue(read > 100, "some damage leaves a readable file (values), got " + read);
    }

    @Test
    void moduleFieldsAreReachable() throws IOException {
        TorchObject o = (TorchObject) read(module("nn.SpatialConvolution", "kW", 3, "train", true));
        assertTrue(o.hasFields());
        assertEquals(3.0, o.field("kW"));
        assertEquals(true, o.fields().get("train"));
        assertNull(o.field("absent"));
        TorchObject odd = (TorchObject) read(new Torch7Writer.Obj("my.Thing", 5));
        assertFalse(odd.hasFields());
        assertEquals(5.0, odd.contents());
        assertThrows(IllegalStateException.class, odd::fields);
        assertInstanceOf(String.class, odd.toString());
    }

    private static byte[] str(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return concat(ints(b.length), b);
    }

    private static byte[] longs(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
            b.putLong(l);
        }
        return b.array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
