package org.visualbackprop.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Runs a file reader on a damaged file and checks that it behaves: it returns a valid object or throws one of the
 * exceptions it documents, with a message that names the file; never another exception type, never more than a bounded
 * amount of memory, never a hang. Each read runs on a thread of its own, under {@link #timeLimit()}, and the bytes that
 * thread allocates are counted (HotSpot's per-thread allocation counter), so a reader that allocates gigabytes for a
 * header that lies fails the check even when the heap happens to hold them.
 *
 * <p>Settings (system properties, for the longer documented run): {@code vbp.fuzz.tries} (tries per property, see
 * {@link FuzzProperty}), {@code vbp.fuzz.seconds} (time limit per read, default 20 s: generous, because the machine
 * running CI may be shared and slow; a hang is a read that never ends).
 */
public final class HostileReads {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A reader of one file format. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Path file) throws Exception;
    }

    /** What one read did. */
    public record Outcome(Object value, Throwable thrown, long allocatedBytes, long nanos) {
    }

    /** The most one read may allocate, by default: 96 MiB (the valid files are a few kilobytes). */
    public static final long DEFAULT_MAX_BYTES = 96L << 20;

    /**
     * The limits the fuzz properties run under ({@code org.visualbackprop.io.Limits}): low enough that a damaged size
     * which reaches one costs a few megabytes, not the defaults' hundreds.
     */
    public static final java.util.Map<String, String> FUZZ_LIMITS = java.util.Map.of(
            "vbp.max.image.pixels", "1000000",
            "vbp.max.zip.entry.bytes", String.valueOf(4 << 20),
            "vbp.max.array.bytes", String.valueOf(16 << 20));

    private static final java.util.Map<String, String> SAVED = new java.util.HashMap<>();

    private HostileReads() {
    }

    /** Sets {@link #FUZZ_LIMITS} (call from a {@code @BeforeContainer}); {@link #restoreLimits} undoes it. */
    public static synchronized void lowerLimits() {
        for (java.util.Map.Entry<String, String> e : FUZZ_LIMITS.entrySet()) {
            SAVED.putIfAbsent(e.getKey(), System.getProperty(e.getKey()));
            System.setProperty(e.getKey(), e.getValue());
        }
    }

    /** Restores the limits {@link #lowerLimits} changed (call from an {@code @AfterContainer}). */
    public static synchronized void restoreLimits() {
        for (java.util.Map.Entry<String, String> e : SAVED.entrySet()) {
            if (e.getValue() == null) {
                System.clearProperty(e.getKey());
            } else {
                System.setProperty(e.getKey(), e.getValue());
            }
        }
        SAVED.clear();
    }

    /**
     * What a fuzz class's {@code @BeforeContainer} does: lowers the limits ({@link #lowerLimits}) and makes the
     * temporary folder the mutants are written to.
     */
    public static java.nio.file.Path begin(String prefix) throws java.io.IOException {
        lowerLimits();
        return java.nio.file.Files.createTempDirectory(prefix);
    }

    /** What a fuzz class's {@code @AfterContainer} does: restores the limits and deletes the folder of {@link #begin}. */
    public static void end(java.nio.file.Path dir) throws java.io.IOException {
        restoreLimits();
        if (dir == null) {
            return;
        }
        try (var s = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path p : s.toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
        java.nio.file.Files.deleteIfExists(dir);
    }

    /** Time limit of one read ({@code vbp.fuzz.seconds}, default 20). */
    public static Duration timeLimit() {
        return Duration.ofSeconds(Long.getLong("vbp.fuzz.seconds", 20L));
    }

    /**
     * Writes {@code m} to {@code dir/name}, reads it and checks the outcome; the file is deleted afterwards.
     *
     * @param valid    what a returned object must satisfy (the reader may accept a damaged file when the damage left
     *                 it well-formed: a flipped bit in a weight, a cut after the last byte it reads)
     * @param maxBytes the most the read may allocate (its thread's allocations, all of them)
     * @param allowed  the exception types the reader documents; the message must name the file
     */
    @SafeVarargs
    public static <T> Outcome assertReadsOrRefuses(Mutant m, Path dir, String name, Reader<T> reader, Predicate<? super T> valid,
                                                   long maxBytes, Class<? extends Throwable>... allowed) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, m.bytes());
        try {
            Outcome o = read(file, reader);
            String ctx = " (mutant: " + m + ")";
            if (o.allocatedBytes() > maxBytes) {
                fail(String.format(Locale.ROOT, "reading %s allocated %,d bytes, more than the bound of %,d%s%s", name, o.allocatedBytes(),
                        maxBytes, o.thrown() == null ? "" : "; it then threw " + o.thrown(), ctx));
            }
            if (o.thrown() == null) {
                @SuppressWarnings("unchecked")
                T v = (T) o.value();
                if (v == null || !valid.test(v)) {
                    fail("reading " + name + " returned an invalid result " + v + ctx);
                }
                return o;
            }
            Throwable t = o.thrown();
            if (Arrays.stream(allowed).noneMatch(c -> c.isInstance(t))) {
                AssertionError e = new AssertionError("reading " + name + " threw " + t.getClass().getName() + " (expected one of "
                        + Arrays.stream(allowed).map(Class::getSimpleName).toList() + "): " + t.getMessage() + ctx, t);
                throw e;
            }
            String msg = String.valueOf(t.getMessage());
            if (!msg.contains(name)) {
                throw new AssertionError("reading " + name + " threw " + t.getClass().getSimpleName() + " whose message does not name"
                        + " the file: " + msg + ctx, t);
            }
            return o;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Counts an outcome in jqwik's statistics (call from inside a property): "read" or the exception's simple name, so
     * that a run reports how many mutants each reader accepted and refused, and how.
     */
    public static void collect(Outcome o) {
        net.jqwik.api.statistics.Statistics.label("outcome").collect(o.thrown() == null ? "read" : o.thrown().getClass().getSimpleName());
    }

    /**
     * Reads {@code file} on a thread of its own, within {@link #timeLimit()}, counting what that thread allocates.
     *
     * @throws AssertionError when the read does not end in time (the thread is interrupted and left behind as a daemon)
     */
    public static <T> Outcome read(Path file, Reader<T> reader) throws InterruptedException {
        AtomicReference<Outcome> result = new AtomicReference<>();
        Thread t = new Thread(() -> {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            Object v = null;
            Throwable thrown = null;
            try {
                v = reader.read(file);
            } catch (Throwable e) { // everything, Errors included: the check decides what was allowed
                thrown = e;
            }
            result.set(new Outcome(v, thrown, THREADS.getCurrentThreadAllocatedBytes() - before, System.nanoTime() - start));
        }, "hostile-read " + file.getFileName());
        t.setDaemon(true);
        t.start();
        Duration limit = timeLimit();
        t.join(limit.toMillis());
        if (t.isAlive()) {
            StackTraceElement[] where = t.getStackTrace();
            t.interrupt();
            fail("reading " + file.getFileName() + " did not end within " + limit.toSeconds() + " s; it was at "
                    + List.of(where).subList(0, Math.min(8, where.length)));
        }
        return result.get();
    }
}
