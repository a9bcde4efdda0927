package org.visualbackprop.io;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/**
 * The limits on what this project reads and allocates, in one place. Each is a system property that a user can
 * raise (or lower): {@code java -Dvbp.max.image.pixels=200000000 -jar vbp.jar explain ...} (the {@code vbp} launcher
 * passes {@code -D} options on when it restarts itself). Input beyond a limit is refused with a
 * {@link LimitExceededException} that names the file, the size, the limit and its property, before the memory is
 * allocated.
 *
 * <p>Besides these limits, readers never trust a size a file declares: they check it against the bytes the file has
 * (or read in chunks as the data arrives, {@link #readUpTo}), so a damaged header costs no more memory than the file's
 * real length.
 *
 * <table>
 * <caption>The limits</caption>
 * <tr><th>Limit</th><th>Property</th><th>Default</th></tr>
 * <tr><td>pixels in one image (width x height from the header, checked before decoding)</td>
 *     <td>{@code vbp.max.image.pixels}</td><td>50,000,000</td></tr>
 * <tr><td>uncompressed bytes of one entry of a {@code .vbpm} model file</td>
 *     <td>{@code vbp.max.zip.entry.bytes}</td><td>256 MiB</td></tr>
 * <tr><td>bytes of one array read from a file ({@code .npy}, IDX, a whole Torch7 file, a Torch7 tensor)</td>
 *     <td>{@code vbp.max.array.bytes}</td><td>1 GiB</td></tr>
 * <tr><td>images in one batch</td><td>{@code vbp.max.batch}</td><td>what this JVM's heap holds ({@link #requireBatchFits});
 *     {@code -Xmx} raises the heap</td></tr>
 * </table>
 */
public final class Limits {
    /** One limit: its system property, its default and what it counts. */
    public enum Limit {
        IMAGE_PIXELS("vbp.max.image.pixels", 50_000_000L, "pixels"),
        ZIP_ENTRY_BYTES("vbp.max.zip.entry.bytes", 256L << 20, "bytes"),
        ARRAY_BYTES("vbp.max.array.bytes", 1L << 30, "bytes"),
        /** No fixed default: {@link #requireBatchFits} estimates it from the heap unless the property is set. */
        BATCH("vbp.max.batch", -1L, "images");

        private final String property;
        private final long defaultValue;
        private final String unit;

        Limit(String property, long defaultValue, String unit) {
            this.property = property;
            this.defaultValue = defaultValue;
            this.unit = unit;
        }

        /** The system property that sets it. */
        public String property() {
            return property;
        }

        /** The built-in value (-1 for {@link #BATCH}: estimated from the heap). */
        public long defaultValue() {
            return defaultValue;
        }

        /**
         * The value in force: the system property when set, else the default.
         *
         * @throws IllegalArgumentException when the property is set to something other than a positive integer
         */
        public long value() {
            String s = System.getProperty(property);
            if (s == null || s.isBlank()) {
                return defaultValue;
            }
            try {
                long v = Long.parseLong(s.trim().replace("_", ""));
                if (v > 0) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // the message below
            }
            throw new IllegalArgumentException("system property " + property + " must be a positive integer, got '" + s + "'");
        }

        /** How a user raises it, for messages: {@code java -Dvbp.max.image.pixels=N -jar vbp.jar ...}. */
        public String howToRaise() {
            return "raise it with java -D" + property + "=N -jar vbp.jar ...";
        }
    }

    private Limits() {
    }

    /**
     * Refuses {@code amount} when it is more than {@code limit} allows.
     *
     * @param source what is being read, for the message (a file name, with the entry when there is one)
     * @param what   what {@code amount} counts, as a noun phrase: "the image (30000 x 30000)"
     * @throws LimitExceededException naming the source, the amount, the limit and its property
     */
    public static void check(Limit limit, long amount, String source, String what) throws LimitExceededException {
        long max = limit.value();
        if (max > 0 && amount > max) {
            throw new LimitExceededException(source + ": " + what + " has " + format(amount) + " " + limit.unit
                    + ", more than the limit of " + format(max) + " " + limit.unit + " (" + limit.property + "; "
                    + limit.howToRaise() + ")");
        }
    }

    /**
     * Bytes of the outputs a traced forward pass records for one sample of {@code network} (float32, the input included):
     * a lower bound of what a batch costs per image on the Java engine.
     */
    public static long traceBytesPerSample(Network network) {
        long floats = network.inputShape().sampleSize();
        for (Shape s : network.shapes(1)) {
            floats += s.sampleSize();
        }
        return 4L * floats;
    }

    /**
     * Refuses a batch whose memory, at {@code bytesPerImage} each, is more than this JVM's largest heap
     * ({@link Runtime#maxMemory()}): such a batch cannot run, and would fail with an OutOfMemoryError after minutes.
     * With {@code -Dvbp.max.batch=N} set, N is the limit instead (a user who knows better, or wants a smaller one).
     *
     * @param bytesPerImage memory one image of the batch needs at least ({@link #traceBytesPerSample} or a multiple)
     * @param what          what the batch is for, for the message: {@code "--batch 20000 of NetSVF"}
     * @throws LimitExceededException naming the batch, the memory it needs, the largest that fits and how to raise it
     */
    public static void requireBatchFits(int batch, long bytesPerImage, String what) throws LimitExceededException {
        long set = Limit.BATCH.value();
        if (set > 0) {
            if (batch > set) {
                throw new LimitExceededException(what + ": a batch of " + format(batch) + " images is more than the limit of "
                        + format(set) + " (" + Limit.BATCH.property + "; " + Limit.BATCH.howToRaise() + ")");
            }
            return;
        }
        long heap = Runtime.getRuntime().maxMemory();
        long per = Math.max(1, bytesPerImage);
        long fits = heap / per;
        if (batch > fits) {
            throw new LimitExceededException(what + ": a batch of " + format(batch) + " images needs at least "
                    + bytes((double) batch * per) + " (" + bytes(per) + " per image), more than this JVM's heap of "
                    + bytes(heap) + "; the largest batch that fits is " + format(fits) + " (give Java more heap with"
                    + " java -Xmx<size> -jar vbp.jar ..., or set the limit yourself with -D" + Limit.BATCH.property + "=N)");
        }
    }

    /**
     * Reads {@code n} bytes, or fewer when the stream ends first, allocating as the data arrives (chunks of at most 1 MiB
     * at first, growing with what was read), so that a size announced by a damaged header costs no more memory than
     * the data really there. The caller says what was expected when fewer come back.
     *
     * @param n how many bytes the header announced, >= 0
     */
    public static byte[] readUpTo(InputStream in, int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("negative byte count " + n);
        }
        int chunk = 1 << 20;
        if (n <= chunk) {
            return in.readNBytes(n);
        }
        byte[] buf = new byte[chunk];
        int got = 0;
        while (got < n) {
            if (got == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int k = in.read(buf, got, buf.length - got);
            if (k < 0) {
                break;
            }
            got += k;
        }
        return got == buf.length ? buf : Arrays.copyOf(buf, got);
    }

    private static String format(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** A byte count for people: {@code 41.3 GiB}. */
    static String bytes(double b) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB"};
        int u = 0;
        while (b >= 1024 && u < units.length - 1) {
            b /= 1024;
            u++;
        }
        return u == 0 ? String.format(Locale.ROOT, "%.0f bytes", b) : String.format(Locale.ROOT, "%.1f %s", b, units[u]);
    }
}
