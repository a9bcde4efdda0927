package org.visualbackprop.io.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.LimitExceededException;
import org.visualbackprop.io.Limits;

/**
 * Reads a Torch7 binary file ({@code torch.save(file, object)} in binary mode, the default; {@code .t7},
 * {@code .t7b}) into plain Java values. The whole file is read into memory, and every read is bounds-checked: a
 * truncated or corrupt file raises a {@link CorruptFileException} that names the file, the byte offset and what was
 * expected there.
 *
 * <p>Values map as follows: nil to {@code null}; a number to a {@link Double}; a string to a {@link String} (bytes
 * decoded as UTF-8); a boolean to a {@link Boolean}; a table to a {@link TorchTable}; a tensor
 * ({@code torch.*Tensor}) to a {@link TorchTensor}; a storage ({@code torch.*Storage}) to a {@link TorchStorage};
 * any other torch object (an {@code nn} module) to a {@link TorchObject} whose contents are the value that follows.
 * A reference index seen before gives the very object read the first time (so shared weights and cycles come out as
 * shared Java objects). Lua functions (tags 6, 7 and 8) are refused: they are Lua bytecode.
 *
 * <p>Layout of one value (little-endian): int32 tag; then for a number a float64; for a string an int32 length and
 * the bytes; for a boolean an int32 (1 is true); for a table an int32 reference index, an int32 entry count and the
 * keys and values; for a torch object an int32 reference index, the version string {@code "V n"} (old files omit it:
 * the string read is then the class name), the class name and the contents. A tensor's contents are int32 ndim, int64
 * sizes[ndim], int64 strides[ndim], the int64 1-based storage offset and the storage (a value: nil, a storage, or a
 * back-reference); a storage's contents are an int64 element count and the raw elements.
 * The file must hold exactly one value: bytes after it are refused.
 */
public final class Torch7Reader {
    /** Type tags of the format. */
    static final int NIL = 0;
    static final int NUMBER = 1;
    static final int STRING = 2;
    static final int TABLE = 3;
    static final int TORCH = 4;
    static final int BOOLEAN = 5;
    static final int FUNCTION = 6;
    static final int RECUR_FUNCTION = 8;
    static final int LEGACY_RECUR_FUNCTION = 7;

    /** Deepest nesting of values read (deeper files are refused rather than overflowing the stack). */
    public static final int MAX_DEPTH = 200;
    /** Most tensor dimensions accepted. */
    public static final int MAX_DIMS = 64;

    private static final Pattern TENSOR = Pattern.compile("torch\\.(Cuda)?(Byte|Char|Short|Int|Long|Float|Double|Half)?Tensor");
    private static final Pattern VERSION = Pattern.compile("^V (.*)$", Pattern.DOTALL);

    /**
     * Where a value sits, as a Lua-like path ({@code value.modules[1] (nn.Sequential).weight}); built step by step
     * and rendered only for a message.
     */
    private record Where(Where parent, String step) {
        Where child(String s) {
            return new Where(this, s);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Where w = this; w != null; w = w.parent) {
                sb.insert(0, w.step);
            }
            return sb.toString();
        }
    }

    private final ByteBuffer buf;
    private final String source;
    private final Map<Integer, Object> memo = new HashMap<>();

    private Torch7Reader(byte[] bytes, String source) {
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.source = source;
    }

    /**
     * Reads the one value a Torch7 binary file holds.
     *
     * @throws NoSuchFileException  when the file does not exist
     * @throws CorruptFileException when it is truncated or corrupt, naming the file, the byte offset and what was
     *                              expected
     */
    public static Object read(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "Torch7 file not found");
        }
        long size = Files.size(file);
        Limits.check(Limits.Limit.ARRAY_BYTES, size, file.toString(), "the Torch7 file (read whole into memory)");
        if (size > Integer.MAX_VALUE - 8) {
            throw new CorruptFileException(file + ": " + size + " bytes is more than this reader holds in memory "
                    + "(at most " + (Integer.MAX_VALUE - 8) + ")");
        }
        return read(Files.readAllBytes(file), file.toString());
    }

    /**
     * Reads the one value {@code bytes} hold.
     *
     * @param source name for messages (a file name)
     * @throws CorruptFileException   when the bytes are truncated or corrupt
     * @throws LimitExceededException when a tensor repeats its storage's elements (overlapping strides) into more than
     *                                {@link Limits.Limit#ARRAY_BYTES}
     */
    public static Object read(byte[] bytes, String source) throws IOException {
        Torch7Reader r = new Torch7Reader(bytes, source);
        Object v = r.value(0, new Where(null, "value"));
        if (r.buf.hasRemaining()) {
            throw r.corrupt(r.buf.position(), r.buf.remaining() + " bytes follow the end of the top-level value"
                    + " (expected the end of the file: a Torch7 file written by torch.save holds one value)");
        }
        return v;
    }

    private Object value(int depth, Where where) throws IOException {
        int at = buf.position();
        if (depth > MAX_DEPTH) {
            throw corrupt(at, "values nested more than " + MAX_DEPTH + " deep at " + where);
        }
        int tag = readInt("the type tag of", where);
        switch (tag) {
            case NIL:
                return null;
            case NUMBER:
                return readDouble("the number", where);
            case STRING:
                return readString("the string", where);
            case BOOLEAN: {
                int b = readInt("the boolean", where);
                if (b != 0 && b != 1) {
                    throw corrupt(at + 4, "boolean value " + b + " for " + where + " (expected 0 or 1)");
                }
                return b == 1;
            }
            case TABLE:
                return table(depth, where);
            case TORCH:
                return torch(depth, where);
            case FUNCTION:
            case RECUR_FUNCTION:
            case LEGACY_RECUR_FUNCTION:
                throw corrupt(at, "a Lua function (type tag " + tag + ") for " + where + ": functions are Lua bytecode"
                        + " and are not supported (expected data only: nil, number, string, boolean, table or torch"
                        + " object; save the model without function fields)");
            default:
                throw corrupt(at, "unknown type tag " + tag + " for " + where + " (expected 0 nil, 1 number, 2 string,"
                        + " 3 table, 4 torch object or 5 boolean)");
        }
    }

    private Object table(int depth, Where where) throws IOException {
        int index = readInt("the table reference index of", where);
        if (memo.containsKey(index)) {
            return memo.get(index);
        }
        int at = buf.position();
        int n = readInt("the table entry count of", where);
        if (n < 0 || n > buf.remaining() / 8) {
            throw corrupt(at, "table entry count " + n + " for " + where + " (expected 0 to " + buf.remaining() / 8
                    + ": each entry needs at least 8 bytes and " + buf.remaining() + " remain; the file may be truncated)");
        }
        TorchTable t = new TorchTable();
        memo.put(index, t);
        for (int i = 0; i < n; i++) {
            int keyAt = buf.position();
            Object key = value(depth + 1, where.child("<key " + (i + 1) + ">"));
            if (key == null) {
                throw corrupt(keyAt, "nil key in the table " + where + " (Lua tables cannot have nil keys)");
            }
            if (key instanceof Double d && d.isNaN()) {
                throw corrupt(keyAt, "NaN key in the table " + where + " (Lua tables cannot have NaN keys)");
            }
            t.put(key, value(depth + 1, where.child(step(key))));
        }
        return t;
    }

    /** The path step for a table key: {@code .name}, {@code [3]}, or {@code [<table>]}. */
    private static String step(Object key) {
        if (key instanceof String s) {
            return "." + s;
        }
        if (key instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
            return "[" + d.longValue() + "]";
        }
        return "[" + (key instanceof Double || key instanceof Boolean ? key.toString() : describe(key)) + "]";
    }

    private Object torch(int depth, Where where) throws IOException {
        int index = readInt("the torch object reference index of", where);
        if (memo.containsKey(index)) {
            return memo.get(index);
        }
        int at = buf.position();
        String first = readString("the version string or class name of", where);
        int version = 0;
        String className = first;
        Matcher m = VERSION.matcher(first);
        if (m.matches()) {
            Integer v = parseVersion(m.group(1));
            if (v != null) {
                version = v;
                className = readString("the class name of", where);
            }
        }
        if (className.isEmpty()) {
            throw corrupt(at, "empty class name for " + where + " (expected a torch class such as nn.Sequential)");
        }
        Where here = where.child(" (" + className + ")");
        if (TENSOR.matcher(className).matches()) {
            TorchTensor t = tensor(className, depth, here);
            memo.put(index, t);
            return t;
        }
        TorchStorage.ElementType type = TorchStorage.ElementType.ofClass(className);
        if (type != null) {
            TorchStorage s = storage(className, type, here);
            memo.put(index, s);
            return s;
        }
        TorchObject o = new TorchObject(className, version);
        memo.put(index, o);
        o.setContents(value(depth + 1, here));
        return o;
    }

    private static Integer parseVersion(String s) {
        try {
            double d = Double.parseDouble(s.trim());
            return d == Math.rint(d) && d >= 0 && d <= Integer.MAX_VALUE ? (int) d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private TorchTensor tensor(String className, int depth, Where where) throws IOException {
        int at = buf.position();
        int ndim = readInt("the number of dimensions of", where);
        if (ndim < 0 || ndim > MAX_DIMS) {
            throw corrupt(at, "tensor with " + ndim + " dimensions at " + where + " (expected 0 to " + MAX_DIMS + ")");
        }
        long[] size = new long[ndim];
        for (int k = 0; k < ndim; k++) {
            size[k] = readLong("size " + (k + 1) + " of " + ndim + " of", where);
        }
        long[] stride = new long[ndim];
        for (int k = 0; k < ndim; k++) {
            stride[k] = readLong("stride " + (k + 1) + " of " + ndim + " of", where);
        }
        long offset1 = readLong("the storage offset of", where);
        int storageAt = buf.position();
        Object s = value(depth + 1, where.child(".storage"));
        if (s != null && !(s instanceof TorchStorage)) {
            throw corrupt(storageAt, "the storage of " + where + " is a " + describe(s) + " (expected a torch storage or nil)");
        }
        TorchStorage storage = (TorchStorage) s;
        String problem = TorchTensor.checkView(size, stride, offset1 - 1, storage);
        if (problem != null) {
            throw corrupt(at, "inconsistent tensor " + where + ": " + problem);
        }
        long n = TorchTensor.elementCount(size);
        if (storage != null && n > storage.length()) {
            // a view whose strides repeat elements (stride 0, overlaps): its dense copy can be far larger than the file
            Limits.check(Limits.Limit.ARRAY_BYTES, 4 * n, source + ": at byte offset " + at,
                    "the tensor " + where + " (sizes " + java.util.Arrays.toString(size) + ", strides "
                            + java.util.Arrays.toString(stride) + ", read densely as float32 from a storage of " + storage.length()
                            + " elements)");
        }
        return new TorchTensor(className, size, stride, offset1 - 1, storage);
    }

    private TorchStorage storage(String className, TorchStorage.ElementType type, Where where) throws CorruptFileException {
        int at = buf.position();
        long n = readLong("the element count of", where);
        long maxByFile = buf.remaining() / type.bytes();
        if (n < 0 || n > maxByFile || n > Integer.MAX_VALUE - 8) {
            throw corrupt(at, "storage length " + n + " for " + where + " (expected 0 to "
                    + Math.min(maxByFile, Integer.MAX_VALUE - 8) + ": " + buf.remaining() + " bytes remain for "
                    + type + " elements of " + type.bytes() + " bytes; the file may be truncated)");
        }
        int len = (int) n;
        switch (type) {
            case FLOAT32: {
                float[] f = new float[len];
                buf.asFloatBuffer().get(f);
                skip(len * 4L);
                return TorchStorage.ofFloats(className, type, f);
            }
            case FLOAT16: {
                float[] f = new float[len];
                for (int i = 0; i < len; i++) {
                    f[i] = halfToFloat(buf.getShort() & 0xffff);
                }
                return TorchStorage.ofFloats(className, type, f);
            }
            case FLOAT64: {
                double[] d = new double[len];
                buf.asDoubleBuffer().get(d);
                skip(len * 8L);
                return TorchStorage.ofDoubles(className, d);
            }
            default: {
                long[] l = new long[len];
                for (int i = 0; i < len; i++) {
                    l[i] = switch (type) {
                        case INT64 -> buf.getLong();
                        case INT32 -> buf.getInt();
                        case INT16 -> buf.getShort();
                        case INT8 -> buf.get();
                        case UINT8 -> buf.get() & 0xff;
                        default -> throw new AssertionError(type);
                    };
                }
                return TorchStorage.ofLongs(className, type, l);
            }
        }
    }

    /** IEEE 754 binary16 to float32 (exact). */
    static float halfToFloat(int h) {
        int sign = h >>> 15 & 1;
        int exp = h >>> 10 & 0x1f;
        int mant = h & 0x3ff;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat((exp - 15 + 127) << 23 | mant << 13);
        }
        return sign == 1 ? -v : v;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "nil";
        }
        if (v instanceof TorchObject o) {
            return "torch object " + o.className();
        }
        if (v instanceof TorchTensor t) {
            return "tensor " + t.className();
        }
        if (v instanceof TorchTable) {
            return "table";
        }
        return v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + v;
    }

    private void skip(long bytes) {
        buf.position(buf.position() + (int) bytes);
    }

    /** Checks that {@code bytes} more bytes exist; the message (built only on failure) reads "part where (type)". */
    private void need(int bytes, String part, Where where, String type) throws CorruptFileException {
        if (buf.remaining() < bytes) {
            throw corrupt(buf.position(), "the file ends after " + buf.limit() + " bytes while reading " + part + " "
                    + where + " (expected " + bytes + " more bytes for " + type + ", found " + buf.remaining()
                    + "; the file may be truncated)");
        }
    }

    private int readInt(String part, Where where) throws CorruptFileException {
        need(4, part, where, "an int32");
        return buf.getInt();
    }

    private long readLong(String part, Where where) throws CorruptFileException {
        need(8, part, where, "an int64");
        return buf.getLong();
    }

    private double readDouble(String part, Where where) throws CorruptFileException {
        need(8, part, where, "a float64");
        return buf.getDouble();
    }

    private String readString(String part, Where where) throws CorruptFileException {
        int at = buf.position();
        int n = readInt("the length of " + part, where);
        if (n < 0 || n > buf.remaining()) {
            throw corrupt(at, "string length " + n + " for " + part + " " + where + " (expected 0 to " + buf.remaining()
                    + ", the bytes left in the file; the file may be truncated)");
        }
        byte[] b = new byte[n];
        buf.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private CorruptFileException corrupt(int offset, String what) {
        return new CorruptFileException(source + ": at byte offset " + offset + ": " + what);
    }
}
