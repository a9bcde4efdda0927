package org.visualbackprop.compute;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads of the compute kernels: a fixed pool of {@link #threads()} daemon threads (system property
 * {@code vbp.threads}, default: the number of available processors), used to split loops into contiguous chunks
 * that the calling thread and the workers claim in turn.
 * A parallel loop started from inside another runs sequentially in the calling thread (no nested fan-out, no
 * deadlock). Library callers never need to shut the pool down.
 */
public final class Parallel {
    private static final int THREADS = readThreads();
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, daemonFactory()) : null;
    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);

    /** A loop body over the half-open index range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private Parallel() {
    }

    /** Number of threads the kernels use, the caller's included. */
    public static int threads() {
        return THREADS;
    }

    /** Chunks per thread a loop is cut into (where its minimum chunk allows), so that a late or slow thread leaves less undone. */
    private static final int CHUNKS_PER_THREAD = 4;

    /**
     * Runs {@code body} over {@code [0, n)} cut into contiguous chunks of at least {@code minChunk} indices (up to
     * {@value #CHUNKS_PER_THREAD} per thread), which the calling thread and the workers take in turn until none is
     * left: the caller does not wait for a worker to wake up before starting, and a thread that finishes early takes
     * more. The chunks are the same on every run (results never depend on which thread ran which chunk). Exceptions
     * in any chunk are rethrown after every started chunk has finished.
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS * CHUNKS_PER_THREAD, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || THREADS <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        Loop loop = new Loop(n, chunks, body);
        for (int t = 1; t < Math.min(THREADS, chunks); t++) {
            POOL.execute(loop);
        }
        loop.run();
        loop.await();
        Throwable failure = loop.failure;
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel loop failed", failure);
        }
    }

    /** One parallel loop: its chunks are claimed from a counter by whichever thread comes. */
    private static final class Loop implements Runnable {
        private final int n;
        private final int chunks;
        private final RangeBody body;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private volatile Throwable failure;

        Loop(int n, int chunks, RangeBody body) {
            this.n = n;
            this.chunks = chunks;
            this.body = body;
        }

        @Override
        public void run() {
            boolean nested = INSIDE.get();
            INSIDE.set(Boolean.TRUE);
            try {
                for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                    try {
                        body.run((int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
                    } catch (RuntimeException | Error e) {
                        if (failure == null) {
                            failure = e;
                        }
                    } finally {
                        done.incrementAndGet();
                    }
                }
            } finally {
                INSIDE.set(nested);
            }
        }

        /** Waits for the chunks other threads started: briefly spinning (they are short), then yielding the core. */
        void await() {
            for (int spins = 0; done.get() < chunks; spins++) {
                if (spins < 1 << 12) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    private static int readThreads() {
        String p = System.getProperty("vbp.threads");
        int available = Runtime.getRuntime().availableProcessors();
        if (p == null || p.isBlank()) {
            return available;
        }
        try {
            int t = Integer.parseInt(p.trim());
            if (t < 1) {
                throw new IllegalArgumentException("system property vbp.threads must be >= 1, got " + p);
            }
            return t;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property vbp.threads must be an integer, got '" + p + "'", e);
        }
    }

    private static ThreadFactory daemonFactory() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "vbp-compute-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
