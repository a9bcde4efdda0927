package org.visualbackprop.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): read float32 and float64 arrays in either byte order,
 * C order; write little-endian float32 ({@code <f4}) or float64 ({@code <f8}), version 1.0. Values round-trip
 * bit-exactly. Fortran-ordered arrays and other dtypes are refused with a message that says what the file holds. Arrays
 * larger than {@link Limits.Limit#ARRAY_BYTES} are refused before they are read, and a header that announces more
 * values than the file holds costs no more memory than the file ({@link Limits#readUpTo}).
 *
 * <p>Format: the magic {@code \x93NUMPY}, major and minor version bytes, a little-endian header length (2 bytes in
 * 1.0, 4 in 2.0/3.0), an ASCII dict {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded
 * with spaces to a multiple of 64 bytes and ended by a newline, then the raw values.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Reads a file. @throws CorruptFileException naming the file and the problem */
    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * Reads one array from a stream.
     *
     * @param source name of the stream for messages (a file name, a zip entry)
     */
    public static NpyArray read(InputStream in, String source) throws IOException {
        Header h = header(in, source);
        int[] shape = h.shape();
        String shapeText = java.util.Arrays.toString(shape).replace('[', '(').replace(']', ')');
        if (h.count() > Integer.MAX_VALUE - 8) {
            throw new CorruptFileException(source + ": array of shape " + shapeText + " has more elements than this reader can hold");
        }
        int n = (int) h.count();
        String type = h.type();
        if (h.bytes() > Integer.MAX_VALUE - 8) {
            throw new CorruptFileException(source + ": array of " + n + " values of " + h.itemSize()
                    + " bytes is larger than this reader can hold");
        }
        Limits.check(Limits.Limit.ARRAY_BYTES, h.bytes(), source, "the array of shape " + shapeText);
        ByteOrder order = h.order();
        switch (type) {
            case "f4": {
                ByteBuffer bb = ByteBuffer.wrap(readFully(in, n * 4, source, n + " float32 values")).order(order);
                float[] f = new float[n];
                bb.asFloatBuffer().get(f);
                return new NpyArray(shape, "<f4", f, null);
            }
            case "f8": {
                ByteBuffer bb = ByteBuffer.wrap(readFully(in, n * 8, source, n + " float64 values")).order(order);
                double[] d = new double[n];
                bb.asDoubleBuffer().get(d);
                return new NpyArray(shape, "<f8", null, d);
            }
            default:
                throw new CorruptFileException(source + ": unsupported dtype '" + type + "' (expected float32 '<f4' or float64 '<f8')");
        }
    }

    /**
     * What a {@code .npy} header says: the shape, the element type ({@code "f4"} or {@code "f8"}), the byte order, and
     * where the values start.
     *
     * @param dataOffset bytes from the start of the file to the first value
     */
    public record Header(int[] shape, String type, ByteOrder order, long dataOffset) {
        /** Number of values. */
        public long count() {
            long c = 1;
            for (int d : shape) {
                c *= d;
            }
            return c;
        }

        /** Bytes of one value. */
        public int itemSize() {
            return type.equals("f8") ? 8 : 4;
        }

        /** Bytes of all values. */
        public long bytes() {
            return count() * itemSize();
        }
    }

    /** Reads a header from a stream positioned at the start of a {@code .npy} file, leaving it at the first value. */
    public static Header header(InputStream in, String source) throws IOException {
        byte[] magic = readFully(in, 8, source, "the .npy magic and version");
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new CorruptFileException(source + ": not a .npy file (expected the magic \\x93NUMPY at offset 0)");
            }
        }
        int major = magic[6] & 0xff;
        int headerLen;
        int lengthBytes;
        if (major == 1) {
            byte[] b = readFully(in, 2, source, "the header length");
            headerLen = (b[0] & 0xff) | (b[1] & 0xff) << 8;
            lengthBytes = 2;
        } else if (major == 2 || major == 3) {
            byte[] b = readFully(in, 4, source, "the header length");
            headerLen = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
            lengthBytes = 4;
        } else {
            throw new CorruptFileException(source + ": unsupported .npy format version " + major + "." + (magic[7] & 0xff)
                    + " (expected 1.0, 2.0 or 3.0)");
        }
        if (headerLen < 0 || headerLen > 1 << 20) {
            throw new CorruptFileException(source + ": implausible .npy header length " + headerLen);
        }
        String header = new String(readFully(in, headerLen, source, "the header"),
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = field(DESCR, header, source, "descr");
        if (descr.isEmpty()) {
            throw new CorruptFileException(source + ": .npy header has an empty 'descr' (expected float32 '<f4' or float64 '<f8')");
        }
        String fortran = field(FORTRAN, header, source, "fortran_order");
        if (fortran.equals("True")) {
            throw new CorruptFileException(source + ": array is in Fortran order; only C order is supported "
                    + "(save it with numpy.ascontiguousarray)");
        }
        int[] shape = parseShape(field(SHAPE, header, source, "shape"), source);
        long count = 1;
        for (int d : shape) {
            if (d != 0 && count > Long.MAX_VALUE / 16 / d) { // count * d * 8 bytes would not fit a long
                throw new CorruptFileException(source + ": array of shape (" + field(SHAPE, header, source, "shape") + ") is too large");
            }
            count *= d;
        }
        ByteOrder order = switch (descr.charAt(0)) {
            case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
            case '>' -> ByteOrder.BIG_ENDIAN;
            default -> ByteOrder.nativeOrder();
        };
        String type = descr.length() > 1 && "<>|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : descr;
        if (!type.equals("f4") && !type.equals("f8")) {
            throw new CorruptFileException(source + ": unsupported dtype '" + descr + "' (expected float32 '<f4' or float64 '<f8')");
        }
        return new Header(shape, type, order, 8L + lengthBytes + headerLen);
    }

    /** The header of a file. */
    public static Header header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return header(in, file.toString());
        }
    }

    /**
     * Samples {@code from .. from + count - 1} along the first axis of a file, without reading the rest: for stacks
     * larger than memory. Only the slice counts against {@link Limits.Limit#ARRAY_BYTES}.
     *
     * @return shaped {@code count x (the other axes)}
     * @throws CorruptFileException when the file has fewer than two axes, the slice is outside the first axis, or the
     *                              file is shorter than its header says
     */
    public static NpyArray readSamples(Path file, int from, int count) throws IOException {
        String source = file.toString();
        Header h = header(file);
        int[] shape = h.shape();
        if (shape.length < 2) {
            throw new CorruptFileException(source + ": an array of " + shape.length + " axes has no samples to read one by one");
        }
        if (from < 0 || count < 0 || (long) from + count > shape[0]) {
            throw new IllegalArgumentException(source + ": samples " + from + " to " + ((long) from + count - 1) + " are outside its "
                    + shape[0] + " samples");
        }
        long per = h.count() / Math.max(1, shape[0]);
        long bytes = per * count * h.itemSize();
        Limits.check(Limits.Limit.ARRAY_BYTES, bytes, source, count + " samples of shape " + java.util.Arrays.toString(shape));
        long need = h.dataOffset() + h.bytes();
        long size = Files.size(file);
        if (size < need) {
            throw new CorruptFileException(source + ": the file holds " + size + " bytes, its header announces " + need, new EOFException());
        }
        int[] sliceShape = shape.clone();
        sliceShape[0] = count;
        int n = Math.toIntExact(per * count);
        ByteBuffer bb = ByteBuffer.allocate(Math.toIntExact(bytes)).order(h.order());
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            long pos = h.dataOffset() + (long) from * per * h.itemSize();
            while (bb.hasRemaining()) {
                int r = ch.read(bb, pos + bb.position());
                if (r < 0) {
                    throw new CorruptFileException(source + ": file ends early", new EOFException());
                }
            }
        }
        bb.flip();
        if (h.type().equals("f4")) {
            float[] f = new float[n];
            bb.asFloatBuffer().get(f);
            return new NpyArray(sliceShape, "<f4", f, null);
        }
        double[] d = new double[n];
        bb.asDoubleBuffer().get(d);
        return new NpyArray(sliceShape, "<f8", null, d);
    }

    /** Writes a float32 array. */
    public static void write(Path file, int[] shape, float[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, shape, data);
        }
    }

    /** Writes a float64 array. */
    public static void write(Path file, int[] shape, double[] data) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, shape, data);
        }
    }

    /** Writes a tensor as a 4-dimensional float32 array {@code n x c x h x w}. */
    public static void write(Path file, Tensor t) throws IOException {
        Shape s = t.shape();
        write(file, new int[] {s.n(), s.c(), s.h(), s.w()}, t.data());
    }

    /** Writes a float32 array to a stream (not closed). */
    public static void write(OutputStream out, int[] shape, float[] data) throws IOException {
        checkCount(shape, data.length);
        out.write(headerBytes("<f4", shape));
        ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data);
        out.write(bb.array());
    }

    /** Writes a float64 array to a stream (not closed). */
    public static void write(OutputStream out, int[] shape, double[] data) throws IOException {
        checkCount(shape, data.length);
        out.write(headerBytes("<f8", shape));
        ByteBuffer bb = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bb.asDoubleBuffer().put(data);
        out.write(bb.array());
    }

    private static void checkCount(int[] shape, int length) {
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != length) {
            throw new IllegalArgumentException("shape " + java.util.Arrays.toString(shape) + " needs " + count
                    + " values, got " + length);
        }
    }

    /** The bytes of a version 1.0 header for an array of {@code descr} ({@code "<f4"}, {@code "<f8"}) and {@code shape}. */
    static byte[] headerBytes(String descr, int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(shape[i]).append(shape.length == 1 ? "," : (i + 1 < shape.length ? ", " : ""));
        }
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }");
        int total = 10 + h.length() + 1;
        int pad = (64 - total % 64) % 64;
        h.append(" ".repeat(pad)).append('\n');
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(MAGIC);
        b.write(1);
        b.write(0);
        int len = h.length();
        b.write(len & 0xff);
        b.write(len >> 8 & 0xff);
        b.writeBytes(h.toString().getBytes(StandardCharsets.ISO_8859_1));
        return b.toByteArray();
    }

    private static String field(Pattern p, String header, String source, String name) throws CorruptFileException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new CorruptFileException(source + ": .npy header has no '" + name + "' entry: " + header.trim());
        }
        return m.group(1).trim();
    }

    private static int[] parseShape(String s, String source) throws CorruptFileException {
        List<Integer> dims = new ArrayList<>();
        for (String part : s.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            try {
                int d = Integer.parseInt(t.endsWith("L") ? t.substring(0, t.length() - 1) : t);
                if (d < 0) {
                    throw new NumberFormatException();
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new CorruptFileException(source + ": bad dimension '" + t + "' in .npy shape (" + s + ")");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Reads {@code n} bytes, allocating as they arrive ({@link Limits#readUpTo}): a header that lies costs nothing. */
    private static byte[] readFully(InputStream in, int n, String source, String what) throws IOException {
        byte[] b = Limits.readUpTo(in, n);
        if (b.length < n) {
            throw new CorruptFileException(source + ": file ends early while reading " + what + " (needed " + n
                    + " bytes, found " + b.length + ")", new EOFException());
        }
        return b;
    }
}
