package org.visualbackprop.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.Limits;

/**
 * The IDX files of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header, then raw values. Images have magic
 * number 2051 ({@code 0x00000803}: unsigned bytes, 3 dimensions) followed by the count, rows and columns as 32-bit
 * integers and {@code count * rows * cols} pixels, row-major; labels have magic 2049 ({@code 0x00000801}) followed
 * by the count and {@code count} bytes. Files may be gzip-compressed (recognised by their first two bytes, whatever
 * their name).
 *
 * <p>A missing file gives {@link NoSuchFileException}; a wrong magic number, a header with impossible sizes, data
 * shorter or longer than the header says, or broken gzip data give {@link CorruptFileException} naming the file, the
 * byte offset (in the uncompressed data) and what was expected. A header that announces more data than an uncompressed
 * file holds is refused before anything is allocated; a gzip file is read as its data arrives, so a lying header costs
 * no more memory than the data there; data beyond {@link Limits.Limit#ARRAY_BYTES} is refused
 * ({@link org.visualbackprop.io.LimitExceededException}).
 */
public final class Idx {
    /** Magic number of unsigned-byte image files. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of unsigned-byte label files. */
    public static final int LABELS_MAGIC = 0x00000801;

    private Idx() {
    }

    /**
     * Images read from an IDX file: {@code count} images of {@code rows x cols} unsigned bytes.
     *
     * @param pixels {@code count * rows * cols} values, image after image, row-major; read them as
     *               {@code pixels[i] & 0xff}. Not copied: treat as read-only.
     */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public Images {
            Objects.requireNonNull(pixels, "pixels");
            if (count < 0 || rows < 1 || cols < 1 || (long) count * rows * cols != pixels.length) {
                throw new IllegalArgumentException("count " + count + " x rows " + rows + " x cols " + cols
                        + " does not match " + pixels.length + " pixels");
            }
        }

        /** Pixel {@code (r, c)} of image {@code i}, 0..255. */
        public int pixel(int i, int r, int c) {
            Objects.checkIndex(i, count);
            Objects.checkIndex(r, rows);
            Objects.checkIndex(c, cols);
            return pixels[(i * rows + r) * cols + c] & 0xff;
        }
    }

    /**
     * Labels read from an IDX file.
     *
     * @param values one unsigned byte per sample; read as {@code values[i] & 0xff}. Not copied: treat as read-only.
     */
    public record Labels(byte[] values) {
        public Labels {
            Objects.requireNonNull(values, "values");
        }

        public int count() {
            return values.length;
        }

        /** Label {@code i}, 0..255. */
        public int label(int i) {
            return values[i] & 0xff;
        }
    }

    /** Reads an image file (magic 2051). */
    public static Images readImages(Path file) throws IOException {
        try (Reader r = open(file)) {
            r.magic(IMAGES_MAGIC, "images");
            int count = r.int32("image count");
            int rows = r.int32("row count");
            int cols = r.int32("column count");
            if (count < 0 || rows < 1 || cols < 1) {
                throw new CorruptFileException(file + ": impossible sizes in the IDX header: " + count + " images of "
                        + rows + " x " + cols + " (offsets 4 to 15)");
            }
            long n;
            try {
                n = Math.multiplyExact((long) count * rows, (long) cols);
            } catch (ArithmeticException e) {
                n = Long.MAX_VALUE;
            }
            String what = count + " images of " + rows + " x " + cols + " pixels";
            r.announce(n, what);
            if (n > Integer.MAX_VALUE - 8) {
                throw new CorruptFileException(file + ": the IDX header announces " + count + " images of " + rows + " x "
                        + cols + " = " + n + " pixels, more than this reader holds in one array");
            }
            byte[] pixels = r.bytes((int) n, what);
            r.end();
            return new Images(count, rows, cols, pixels);
        }
    }

    /** Reads a label file (magic 2049). */
    public static Labels readLabels(Path file) throws IOException {
        try (Reader r = open(file)) {
            r.magic(LABELS_MAGIC, "labels");
            int count = r.int32("label count");
            if (count < 0) {
                throw new CorruptFileException(file + ": negative label count " + count + " in the IDX header (offset 4)");
            }
            r.announce(count, count + " labels");
            byte[] labels = r.bytes(count, count + " labels");
            r.end();
            return new Labels(labels);
        }
    }

    /** Writes images as an IDX file, gzip-compressed when the name ends in {@code .gz}. */
    public static void writeImages(Path file, Images images) throws IOException {
        try (DataOutputStream out = create(file)) {
            out.writeInt(IMAGES_MAGIC);
            out.writeInt(images.count());
            out.writeInt(images.rows());
            out.writeInt(images.cols());
            out.write(images.pixels());
        }
    }

    /** Writes labels as an IDX file, gzip-compressed when the name ends in {@code .gz}. */
    public static void writeLabels(Path file, Labels labels) throws IOException {
        try (DataOutputStream out = create(file)) {
            out.writeInt(LABELS_MAGIC);
            out.writeInt(labels.count());
            out.write(labels.values());
        }
    }

    private static DataOutputStream create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream os = new BufferedOutputStream(Files.newOutputStream(file));
        if (file.getFileName().toString().endsWith(".gz")) {
            os = new GZIPOutputStream(os);
        }
        return new DataOutputStream(os);
    }

    private static Reader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "IDX file not found");
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gz = b0 == 0x1f && b1 == 0x8b;
        if (gz) {
            try {
                in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
            } catch (ZipException | EOFException e) {
                in.close();
                throw new CorruptFileException(file + ": broken gzip header (" + e.getMessage() + ")", e);
            }
        }
        return new Reader(file, in, gz);
    }

    /** Reads the uncompressed stream, keeping the offset for messages. */
    private static final class Reader implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gz;
        private long offset;

        Reader(Path file, InputStream in, boolean gz) {
            this.file = file;
            this.in = in;
            this.gz = gz;
        }

        private String where() {
            return file + " (" + (gz ? "uncompressed " : "") + "offset " + offset + ")";
        }

        void magic(int expected, String what) throws IOException {
            int m = int32("magic number");
            if (m != expected) {
                String seen = m == IMAGES_MAGIC ? " (an IDX image file)" : m == LABELS_MAGIC ? " (an IDX label file)" : "";
                throw new CorruptFileException(file + ": not an IDX " + what + " file: the magic number at offset 0 is "
                        + String.format("0x%08x", m) + " (" + m + ")" + seen + ", expected " + String.format("0x%08x", expected)
                        + " (" + expected + ")");
            }
        }

        int int32(String what) throws IOException {
            byte[] b = bytes(4, what);
            return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
        }

        /**
         * Refuses, before anything is allocated, data that the header announces and the file cannot hold: more bytes
         * than follow in an uncompressed file, or more than {@link Limits.Limit#ARRAY_BYTES}. (A gzip file's
         * uncompressed length is known only by reading it: {@link #bytes} then allocates as the data arrives.)
         */
        void announce(long n, String what) throws IOException {
            if (!gz) {
                long size = Files.size(file);
                if (n > size - offset) {
                    throw new CorruptFileException(file + ": truncated: the IDX header announces " + n + " bytes of " + what
                            + " from offset " + offset + ", but the file has " + (size - offset) + " bytes after the header"
                            + " (it ends at offset " + size + ")");
                }
            }
            Limits.check(Limits.Limit.ARRAY_BYTES, n, file.toString(), "the " + what + " announced by the IDX header");
        }

        /** Reads {@code n} bytes, allocating as they arrive ({@link Limits#readUpTo}). */
        byte[] bytes(int n, String what) throws IOException {
            byte[] b;
            long start = offset;
            try {
                b = Limits.readUpTo(in, n);
            } catch (ZipException | EOFException e) {
                throw new CorruptFileException(file + ": broken gzip data after " + where() + " (" + e.getMessage() + ")", e);
            }
            int got = b.length;
            offset += got;
            if (got < n) {
                throw new CorruptFileException(file + ": truncated: expected " + n + " bytes of " + what + " from offset "
                        + start + ", the file ends after " + got + " (at offset " + offset + ")");
            }
            return b;
        }

        void end() throws IOException {
            int extra;
            try {
                extra = in.read();
            } catch (ZipException | EOFException e) {
                throw new CorruptFileException(file + ": broken gzip data at " + where() + " (" + e.getMessage() + ")", e);
            }
            if (extra >= 0) {
                throw new CorruptFileException(file + ": more data than the IDX header announces: the data should end at "
                        + where() + ", but the file goes on");
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
