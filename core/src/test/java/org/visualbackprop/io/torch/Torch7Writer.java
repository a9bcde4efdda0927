package org.visualbackprop.io.torch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small Torch7 binary writer for tests, written from the format's description (docs/paper-notes.md, section 5 and Torch7's
 * {@code File.lua}), not from {@link Torch7Reader}: it lets tests build files by hand and compare what the reader
 * and the converter make of them with literal values.
 *
 * <p>Values: {@code null} is nil; any {@link Number} a float64 number; {@link String}; {@link Boolean};
 * {@link Map} a table (keys in iteration order); {@link Obj} a torch object with a table of fields (an nn module);
 * {@link Tensor} and {@link Storage}. Maps, objects, tensors and storages written twice are written as
 * back-references (Torch's reference index), as {@code torch.save} does. {@link Raw} writes its bytes verbatim (for
 * corrupt files) and {@link #offsetOf} tells where it went.
 */
final class Torch7Writer {
    /** A torch object: class name and contents (normally a table of fields). */
    static final class Obj {
        final String className;
        final Object contents;

        Obj(String className, Object contents) {
            this.className = className;
            this.contents = contents;
        }
    }

    /** A storage of a class ({@code torch.FloatStorage}, ...) with values written in that class's element type. */
    static final class Storage {
        final String className;
        final double[] values;

        Storage(String className, double[] values) {
            this.className = className;
            this.values = values;
        }
    }

    /** A tensor view: sizes, strides, a 1-based storage offset, and a storage (may be null). */
    static final class Tensor {
        final String className;
        final long[] size;
        final long[] stride;
        final long offset1;
        final Storage storage;

        Tensor(String className, long[] size, long[] stride, long offset1, Storage storage) {
            this.className = className;
            this.size = size;
            this.stride = stride;
            this.offset1 = offset1;
            this.storage = storage;
        }
    }

    /** Bytes written as they are (a value's place in the stream). */
    static final class Raw {
        final byte[] bytes;

        Raw(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<Object, Integer> refs = new IdentityHashMap<>();
    private final Map<Raw, Integer> rawOffsets = new IdentityHashMap<>();
    private int nextIndex = 1;
    /** Leave out the "V 1" version strings, as files from before 2013 do. */
    boolean legacy;

    /** The bytes of a file holding {@code root}. */
    static byte[] bytes(Object root) {
        Torch7Writer w = new Torch7Writer();
        w.value(root);
        return w.toByteArray();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    /** Where a {@link Raw} was written. */
    int offsetOf(Raw r) {
        return rawOffsets.get(r);
    }

    void value(Object v) {
        if (v == null) {
            i32(0);
        } else if (v instanceof Number n) {
            i32(1);
            f64(n.doubleValue());
        } else if (v instanceof String s) {
            i32(2);
            string(s);
        } else if (v instanceof Boolean b) {
            i32(5);
            i32(b ? 1 : 0);
        } else if (v instanceof Raw r) {
            rawOffsets.put(r, out.size());
            out.writeBytes(r.bytes);
        } else if (v instanceof Map<?, ?> m) {
            i32(3);
            if (backReference(m)) {
                return;
            }
            i32(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                value(e.getKey());
                value(e.getValue());
            }
        } else if (v instanceof Obj o) {
            i32(4);
            if (backReference(o)) {
                return;
            }
            header(o.className);
            value(o.contents);
        } else if (v instanceof Tensor t) {
            i32(4);
            if (backReference(t)) {
                return;
            }
            header(t.className);
            i32(t.size.length);
            for (long s : t.size) {
                i64(s);
            }
            for (long s : t.stride) {
                i64(s);
            }
            i64(t.offset1);
            value(t.storage);
        } else if (v instanceof Storage s) {
            i32(4);
            if (backReference(s)) {
                return;
            }
            header(s.className);
            i64(s.values.length);
            for (double d : s.values) {
                element(s.className, d);
            }
        } else {
            throw new IllegalArgumentException("cannot write " + v.getClass());
        }
    }

    private boolean backReference(Object o) {
        Integer index = refs.get(o);
        if (index != null) {
            i32(index);
            return true;
        }
        refs.put(o, nextIndex);
        i32(nextIndex++);
        return false;
    }

    private void header(String className) {
        if (!legacy) {
            string("V 1");
        }
        string(className);
    }

    private void element(String className, double d) {
        String t = className.replace("torch.", "").replace("Storage", "").replace("Cuda", "");
        switch (t) {
            case "", "Float" -> f32((float) d);
            case "Double" -> f64(d);
            case "Long" -> i64((long) d);
            case "Int" -> i32((int) d);
            case "Short" -> i16((short) d);
            case "Char", "Byte" -> out.write((int) d);
            case "Half" -> i16(half((float) d));
            default -> throw new IllegalArgumentException("no element type for " + className);
        }
    }

    /** float32 to binary16 for values that are exactly representable (tests use such values). */
    private static short half(float f) {
        if (f == 0) {
            return (short) (Float.floatToIntBits(f) >>> 16 & 0x8000);
        }
        int bits = Float.floatToIntBits(f);
        int sign = bits >>> 16 & 0x8000;
        int exp = (bits >>> 23 & 0xff) - 127 + 15;
        int mant = bits >>> 13 & 0x3ff;
        if (exp <= 0) {
            // subnormal half: value = mant * 2^-24
            int m = Math.round(Math.abs(f) * (1 << 24));
            return (short) (sign | m);
        }
        return (short) (sign | exp << 10 | mant);
    }

    void i16(short v) {
        out.writeBytes(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN).putShort(v).array());
    }

    void i32(int v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    void i64(long v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    void f64(double v) {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(v).array());
    }

    void f32(float v) {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
    }

    void string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        i32(b.length);
        out.writeBytes(b);
    }

    // ---- builders

    /** A table from alternating keys and values. */
    static Map<Object, Object> table(Object... kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** An nn module: a torch object whose contents are a table of the given fields. */
    static Obj module(String className, Object... fields) {
        return new Obj(className, table(fields));
    }

    /** An nn.Sequential of the given modules, with train set as given. */
    static Obj sequential(boolean train, Obj... modules) {
        Map<Object, Object> ms = new LinkedHashMap<>();
        for (int i = 0; i < modules.length; i++) {
            ms.put((double) (i + 1), modules[i]);
        }
        return module("nn.Sequential", "modules", ms, "train", train, "output", emptyTensor(), "gradInput", emptyTensor());
    }

    /** A float storage. */
    static Storage floats(double... values) {
        return new Storage("torch.FloatStorage", values);
    }

    /** A contiguous float tensor of the given sizes over a new storage (values in row-major order). */
    static Tensor floatTensor(double[] values, long... size) {
        return view(floats(values), 1, size);
    }

    /** A contiguous view of {@code storage} starting at 1-based {@code offset1}. */
    static Tensor view(Storage storage, long offset1, long... size) {
        long[] stride = new long[size.length];
        long s = 1;
        for (int k = size.length - 1; k >= 0; k--) {
            stride[k] = s;
            s *= size[k];
        }
        return new Tensor("torch.FloatTensor", size, stride, offset1, storage);
    }

    /** An empty tensor (dimension 0, no storage), as nn modules keep for output and gradInput. */
    static Tensor emptyTensor() {
        return new Tensor("torch.FloatTensor", new long[0], new long[0], 1, null);
    }

    /** A LongStorage of sizes (nn.View's size field). */
    static Storage longs(long... values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return new Storage("torch.LongStorage", d);
    }

    /** Doubles from floats. */
    static double[] doubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Concatenation of arrays. */
    static double[] concat(double[]... parts) {
        List<Double> all = new ArrayList<>();
        for (double[] p : parts) {
            for (double d : p) {
                all.add(d);
            }
        }
        return all.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
