package org.visualbackprop.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Damaged copies of valid files, for fuzzing readers ({@link HostileReads} runs a reader on them). Each mutant comes
 * from one {@link Kind} (or a stack of two or three) and a seed, and says in its {@link Mutant#description()} what was
 * done, so that a failing try can be read and redone without jqwik.
 *
 * <p>The kinds follow what goes wrong with real files and what a hostile one does: cut short (at every class of
 * offset: nothing left, inside the magic, inside the header, anywhere, just before the end), bits flipped (mostly in
 * the header, where they matter most), pieces of another valid file spliced in, declared sizes inflated (binary
 * integers that look like sizes or counts, in either byte order, and decimal numbers in text headers), bytes
 * overwritten, regions repeated or removed, and special characters inserted (quotes, separators, line breaks, NUL,
 * invalid UTF-8).
 *
 * <pre>{@code
 * @FuzzProperty
 * void readsOrRefuses(@ForAll("mutants") Mutant m) throws Exception {
 *     HostileReads.assertReadsOrRefuses(m, dir, "m.npy", Npy::read, a -> true, CorruptFileException.class);
 * }
 * @Provide
 * Arbitrary<Mutant> mutants() {
 *     return Mutations.of(validNpyBytes, otherValidNpyBytes);
 * }
 * }</pre>
 */
public final class Mutations {
    /** The classes of damage. */
    public enum Kind {
        /** Cut the file at an offset of one of five classes. */
        TRUNCATE,
        /** Flip one to eight bits, half the time within the first 512 bytes. */
        FLIP_BITS,
        /** Insert or overwrite with a piece of a donor file, or join the start of the file to a donor's tail. */
        SPLICE,
        /** Replace a 4- or 8-byte integer that looks like a size (1 to 2^24) with a huge, negative or zero one. */
        INFLATE_BINARY_SIZE,
        /** Replace a decimal number in the text with a huge, negative, zero or non-numeric one. */
        INFLATE_TEXT_NUMBER,
        /** Overwrite 1 to 64 bytes with zeros, 0xFF or random bytes. */
        OVERWRITE,
        /** Repeat a region in place, or remove one. */
        DUPLICATE_OR_DELETE,
        /** Insert a character that parsers trip on: quote, separator, line break, NUL, invalid UTF-8, a BOM. */
        INSERT_SPECIAL,
        /** Two or three of the above, one after the other. */
        STACKED
    }

    private static final long[] HUGE_INTS = {0x7fffffffL, 0x7ffffff8L, 0x40000000L, 0x10000000L, 0xffffffffL, 0x80000000L,
        0L, 0x01000000L, 0x00100000L};
    private static final long[] HUGE_LONGS = {Long.MAX_VALUE, 1L << 40, 1L << 31, -1L, Long.MIN_VALUE, 0L, (1L << 31) - 1, 1L << 32};
    private static final String[] TEXT_NUMBERS = {"0", "-1", "2147483647", "2147483648", "4294967296", "9999999999999999999",
        "65536", "100000000", "1e9", "NaN", "-0", "00", "1.5"};
    private static final byte[][] SPECIALS = {
        bytes("\""), bytes(","), bytes(";"), bytes("\n"), bytes("\r\n"), {0}, {(byte) 0xC3, 0x28}, {(byte) 0xFF},
        {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, bytes("../"), bytes("NaN"), bytes("Infinity"), bytes("'"), bytes(")"),
        bytes("="), bytes("\\")};

    private Mutations() {
    }

    /**
     * Mutants of {@code valid}: every {@link Kind} equally often, each from its own seed.
     *
     * @param donors other valid files of the same format (pieces for {@link Kind#SPLICE}); {@code valid} itself is used
     *               when none is given
     */
    public static Arbitrary<Mutant> of(byte[] valid, byte[]... donors) {
        Objects.requireNonNull(valid, "valid");
        byte[] file = valid.clone();
        List<byte[]> pool = new ArrayList<>();
        pool.add(file);
        for (byte[] d : donors) {
            pool.add(d.clone());
        }
        return Combinators.combine(Arbitraries.of(Kind.values()), Arbitraries.longs())
                .as((kind, seed) -> mutate(file, pool, kind, seed));
    }

    /**
     * Mutants of any of several valid files (of one format), chosen evenly; each is a donor for the others.
     */
    public static Arbitrary<Mutant> ofAny(List<byte[]> valid) {
        if (valid.isEmpty()) {
            throw new IllegalArgumentException("no valid files to mutate");
        }
        List<byte[]> pool = valid.stream().map(byte[]::clone).toList();
        return Combinators.combine(Arbitraries.integers().between(0, pool.size() - 1), Arbitraries.of(Kind.values()), Arbitraries.longs())
                .as((i, kind, seed) -> {
                    Mutant m = mutate(pool.get(i), pool, kind, seed);
                    return new Mutant("file " + (i + 1) + " of " + pool.size() + ": " + m.description(), m.bytes());
                });
    }

    /** The mutant of {@code valid} that {@code kind} and {@code seed} make (deterministic). */
    public static Mutant mutate(byte[] valid, List<byte[]> donors, Kind kind, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder what = new StringBuilder("seed " + seed + ": ");
        byte[] b = valid.clone();
        if (kind == Kind.STACKED) {
            int n = 2 + r.nextInt(2);
            Kind[] simple = Arrays.copyOf(Kind.values(), Kind.values().length - 1);
            for (int i = 0; i < n; i++) {
                Kind k = simple[r.nextInt(simple.length)];
                what.append(i == 0 ? "" : ", then ");
                b = apply(b, donors, k, r, what);
            }
        } else {
            b = apply(b, donors, kind, r, what);
        }
        return new Mutant(what.toString(), b);
    }

    private static byte[] apply(byte[] b, List<byte[]> donors, Kind kind, SplittableRandom r, StringBuilder what) {
        int len = b.length;
        switch (kind) {
            case TRUNCATE: {
                int cls = r.nextInt(5);
                int at;
                String where;
                switch (cls) {
                    case 0 -> {
                        at = 0;
                        where = "nothing left";
                    }
                    case 1 -> {
                        at = len <= 1 ? 0 : 1 + r.nextInt(Math.min(16, len - 1));
                        where = "inside the first 16 bytes";
                    }
                    case 2 -> {
                        at = r.nextInt(Math.max(1, len / 10));
                        where = "inside the first 10%";
                    }
                    case 3 -> {
                        at = r.nextInt(Math.max(1, len));
                        where = "anywhere";
                    }
                    default -> {
                        at = Math.max(0, len - 1 - r.nextInt(Math.min(16, Math.max(1, len))));
                        where = "within 16 bytes of the end";
                    }
                }
                what.append("truncate at ").append(at).append(" of ").append(len).append(" (").append(where).append(')');
                return Arrays.copyOf(b, at);
            }
            case FLIP_BITS: {
                if (len == 0) {
                    what.append("flip no bits (empty)");
                    return b;
                }
                int n = 1 + r.nextInt(8);
                boolean header = r.nextBoolean();
                what.append("flip ").append(n).append(" bit").append(n == 1 ? "" : "s").append(" at");
                for (int i = 0; i < n; i++) {
                    int at = r.nextInt(header ? Math.min(len, 512) : len);
                    int bit = r.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    what.append(' ').append(at).append('.').append(bit);
                }
                return b;
            }
            case SPLICE: {
                byte[] donor = donors.get(r.nextInt(donors.size()));
                if (donor.length == 0 || len == 0) {
                    what.append("append a donor of ").append(donor.length).append(" bytes");
                    return concat(b, donor);
                }
                int from = r.nextInt(donor.length);
                int n = 1 + r.nextInt(Math.min(donor.length - from, 4096));
                int at = r.nextInt(len + 1);
                int mode = r.nextInt(3);
                if (mode == 0) {
                    what.append("insert donor bytes ").append(from).append("..").append(from + n).append(" at ").append(at);
                    return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(donor, from, from + n), Arrays.copyOfRange(b, at, len));
                } else if (mode == 1) {
                    int end = Math.min(len, at + n);
                    what.append("overwrite ").append(at).append("..").append(end).append(" with donor bytes from ").append(from);
                    System.arraycopy(donor, from, b, at, end - at);
                    return b;
                }
                what.append("keep 0..").append(at).append(", then the donor from ").append(from);
                return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(donor, from, donor.length));
            }
            case INFLATE_BINARY_SIZE: {
                boolean wide = r.nextInt(4) == 0;
                int width = wide ? 8 : 4;
                if (len < width) {
                    what.append("inflate nothing (file shorter than ").append(width).append(" bytes)");
                    return b;
                }
                List<int[]> candidates = new ArrayList<>(); // {offset, 0 little-endian / 1 big-endian}
                for (int i = 0; i + width <= len; i++) {
                    for (int e = 0; e < 2; e++) {
                        ByteBuffer bb = ByteBuffer.wrap(b, i, width).order(e == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                        long v = wide ? bb.getLong() : bb.getInt() & 0xffffffffL;
                        if (v >= 1 && v <= 1 << 24) {
                            candidates.add(new int[] {i, e});
                        }
                    }
                }
                int[] c = candidates.isEmpty() ? new int[] {r.nextInt(len - width + 1), r.nextInt(2)}
                        : candidates.get(r.nextInt(candidates.size()));
                long v = wide ? HUGE_LONGS[r.nextInt(HUGE_LONGS.length)] : HUGE_INTS[r.nextInt(HUGE_INTS.length)];
                ByteBuffer bb = ByteBuffer.wrap(b, c[0], width).order(c[1] == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
                if (wide) {
                    bb.putLong(v);
                } else {
                    bb.putInt((int) v);
                }
                what.append("set the ").append(width * 8).append("-bit ").append(c[1] == 0 ? "little" : "big")
                        .append("-endian integer at ").append(c[0]).append(" to ").append(wide ? Long.toString(v) : Long.toString((int) v))
                        .append(candidates.isEmpty() ? " (no size-like integer found)" : " (it looked like a size)");
                return b;
            }
            case INFLATE_TEXT_NUMBER: {
                List<int[]> runs = new ArrayList<>();
                for (int i = 0; i < len; ) {
                    if (b[i] >= '0' && b[i] <= '9') {
                        int j = i;
                        while (j < len && b[j] >= '0' && b[j] <= '9') {
                            j++;
                        }
                        runs.add(new int[] {i, j});
                        i = j;
                    } else {
                        i++;
                    }
                }
                String repl = TEXT_NUMBERS[r.nextInt(TEXT_NUMBERS.length)];
                if (runs.isEmpty()) {
                    int at = r.nextInt(len + 1);
                    what.append("insert the number ").append(repl).append(" at ").append(at).append(" (no number in the file)");
                    return concat(Arrays.copyOf(b, at), bytes(repl), Arrays.copyOfRange(b, at, len));
                }
                int[] run = runs.get(r.nextInt(runs.size()));
                what.append("replace the number '").append(new String(b, run[0], run[1] - run[0], StandardCharsets.ISO_8859_1))
                        .append("' at ").append(run[0]).append(" with ").append(repl);
                return concat(Arrays.copyOf(b, run[0]), bytes(repl), Arrays.copyOfRange(b, run[1], len));
            }
            case OVERWRITE: {
                if (len == 0) {
                    what.append("overwrite nothing (empty)");
                    return b;
                }
                int at = r.nextInt(len);
                int n = Math.min(len - at, 1 + r.nextInt(64));
                int fill = r.nextInt(3);
                for (int i = at; i < at + n; i++) {
                    b[i] = fill == 0 ? 0 : fill == 1 ? (byte) 0xff : (byte) r.nextInt(256);
                }
                what.append("overwrite ").append(at).append("..").append(at + n).append(" with ")
                        .append(fill == 0 ? "zeros" : fill == 1 ? "0xFF" : "random bytes");
                return b;
            }
            case DUPLICATE_OR_DELETE: {
                if (len == 0) {
                    what.append("repeat nothing (empty)");
                    return b;
                }
                int at = r.nextInt(len);
                int n = Math.min(len - at, 1 + r.nextInt(Math.min(len, 1024)));
                if (r.nextBoolean()) {
                    int times = 1 + r.nextInt(3);
                    what.append("repeat ").append(at).append("..").append(at + n).append(' ').append(times).append(" more time")
                            .append(times == 1 ? "" : "s");
                    byte[] out = Arrays.copyOf(b, at + n);
                    for (int t = 0; t < times; t++) {
                        out = concat(out, Arrays.copyOfRange(b, at, at + n));
                    }
                    return concat(out, Arrays.copyOfRange(b, at + n, len));
                }
                what.append("delete ").append(at).append("..").append(at + n);
                return concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + n, len));
            }
            case INSERT_SPECIAL: {
                byte[] s = SPECIALS[r.nextInt(SPECIALS.length)];
                int at = r.nextInt(len + 1);
                what.append("insert ").append(Arrays.toString(s)).append(" at ").append(at);
                return concat(Arrays.copyOf(b, at), s, Arrays.copyOfRange(b, at, len));
            }
            default:
                throw new IllegalArgumentException("not a simple kind: " + kind);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
