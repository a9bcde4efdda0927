package org.visualbackprop.io.torch;

import java.util.Locale;

/**
 * A Torch7 storage: a flat array of elements of one type, as a file holds it (an int64 length, then the raw
 * little-endian elements). Several tensors may view one storage (Torch's {@code getParameters()} puts every weight of
 * a model in one storage), each with its own offset and strides.
 *
 * <p>Values are kept exactly: float32 and float16 storages as {@code float}, float64 as {@code double}, integer
 * storages as {@code long}. Compares by identity. Immutable.
 */
public final class TorchStorage {
    /** The element type of a storage class. */
    public enum ElementType {
        /** {@code torch.FloatStorage}, {@code torch.CudaStorage}: IEEE float32. */
        FLOAT32(4),
        /** {@code torch.DoubleStorage}, {@code torch.CudaDoubleStorage}: IEEE float64. */
        FLOAT64(8),
        /** {@code torch.HalfStorage}, {@code torch.CudaHalfStorage}: IEEE float16 (kept as float32, exactly). */
        FLOAT16(2),
        /** {@code torch.LongStorage}: int64. */
        INT64(8),
        /** {@code torch.IntStorage}: int32. */
        INT32(4),
        /** {@code torch.ShortStorage}: int16. */
        INT16(2),
        /** {@code torch.CharStorage}: int8. */
        INT8(1),
        /** {@code torch.ByteStorage}: uint8. */
        UINT8(1);

        private final int bytes;

        ElementType(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per element in the file. */
        public int bytes() {
            return bytes;
        }

        /** True for the floating-point types. */
        public boolean isFloating() {
            return this == FLOAT32 || this == FLOAT64 || this == FLOAT16;
        }

        /**
         * The element type of a storage class name ({@code torch.[Cuda]{Float,Double,Half,Long,Int,Short,Char,Byte}Storage},
         * with {@code torch.CudaStorage} for float32), or null when the name is not a storage class this reader knows.
         */
        public static ElementType ofClass(String className) {
            if (!className.startsWith("torch.") || !className.endsWith("Storage")) {
                return null;
            }
            String t = className.substring("torch.".length(), className.length() - "Storage".length());
            if (t.startsWith("Cuda")) {
                t = t.substring(4);
            }
            return switch (t) {
                case "", "Float" -> FLOAT32;
                case "Double" -> FLOAT64;
                case "Half" -> FLOAT16;
                case "Long" -> INT64;
                case "Int" -> INT32;
                case "Short" -> INT16;
                case "Char" -> INT8;
                case "Byte" -> UINT8;
                default -> null;
            };
        }

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final String className;
    private final ElementType type;
    private final float[] floats;
    private final double[] doubles;
    private final long[] longs;
    private final int length;

    private TorchStorage(String className, ElementType type, float[] floats, double[] doubles, long[] longs, int length) {
        this.className = className;
        this.type = type;
        this.floats = floats;
        this.doubles = doubles;
        this.longs = longs;
        this.length = length;
    }

    /** A float32 or float16 storage holding {@code values} (not copied). */
    static TorchStorage ofFloats(String className, ElementType type, float[] values) {
        return new TorchStorage(className, type, values, null, null, values.length);
    }

    /** A float64 storage holding {@code values} (not copied). */
    static TorchStorage ofDoubles(String className, double[] values) {
        return new TorchStorage(className, ElementType.FLOAT64, null, values, null, values.length);
    }

    /** An integer storage holding {@code values} (not copied). */
    static TorchStorage ofLongs(String className, ElementType type, long[] values) {
        return new TorchStorage(className, type, null, null, values, values.length);
    }

    /** The class name, such as {@code "torch.CudaStorage"}. */
    public String className() {
        return className;
    }

    public ElementType type() {
        return type;
    }

    /** Number of elements. */
    public int length() {
        return length;
    }

    /** Element {@code i} (0-based) as a double: exact, except for int64 values beyond 2^53. */
    public double getDouble(int i) {
        check(i);
        return floats != null ? floats[i] : doubles != null ? doubles[i] : (double) longs[i];
    }

    /** Element {@code i} (0-based) as a float: exact for float32/float16, rounded to nearest for the others. */
    public float getFloat(int i) {
        check(i);
        return floats != null ? floats[i] : doubles != null ? (float) doubles[i] : (float) longs[i];
    }

    /** Element {@code i} (0-based) as a long: exact for the integer types, truncated toward zero for floating ones. */
    public long getLong(int i) {
        check(i);
        return longs != null ? longs[i] : floats != null ? (long) floats[i] : (long) doubles[i];
    }

    /** All elements as doubles (a new array). */
    public double[] toDoubles() {
        double[] d = new double[length];
        for (int i = 0; i < length; i++) {
            d[i] = floats != null ? floats[i] : doubles != null ? doubles[i] : (double) longs[i];
        }
        return d;
    }

    /** All elements as longs (a new array), as {@link #getLong}. */
    public long[] toLongs() {
        long[] l = new long[length];
        for (int i = 0; i < length; i++) {
            l[i] = getLong(i);
        }
        return l;
    }

    private void check(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException("element " + i + " of a " + className + " of " + length + " elements");
        }
    }

    @Override
    public String toString() {
        return className + "(" + length + ")";
    }
}
