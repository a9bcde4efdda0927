package org.visualbackprop.compute;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads of the compute kernels: a fixed pool of {@link #threads()} daemon threads (system property
 * {@code vbp.threads}, default: the number of available processors), used to split loops into contiguous chunks.
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

    /**
     * Runs {@code body} over {@code [0, n)} split into at most {@link #threads()} contiguous chunks of at least
     * {@code minChunk} indices; the calling thread runs the first chunk. Exceptions in any chunk are rethrown.
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) {
            return;
        }
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        if (chunks <= 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(chunks - 1);
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            futures.add(POOL.submit(() -> {
                INSIDE.set(Boolean.TRUE);
                try {
                    body.run(from, to);
                } finally {
                    INSIDE.set(Boolean.FALSE);
                }
            }));
        }
        INSIDE.set(Boolean.TRUE);
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("parallel loop interrupted", failure);
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
