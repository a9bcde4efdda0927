package org.visualbackprop.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The parallel loop: every index once, chunks fixed by {@code n} and the minimum chunk alone, failures rethrown. */
class ParallelTest {

    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 8, 9, 100, 1001}) {
            for (int min : new int[] {1, 2, 5, 64, 5000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, min, (a, b) -> {
                    for (int i = a; i < b; i++) {
                        hits.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, hits.get(i), "index " + i + " of n " + n + ", min chunk " + min);
                }
            }
        }
    }

    @Test
    void chunksAreContiguousAtLeastTheMinimumAndTheSameOnEveryRun() {
        List<String> first = null;
        for (int run = 0; run < 20; run++) {
            List<String> ranges = Collections.synchronizedList(new ArrayList<>());
            Parallel.forRange(1000, 30, (a, b) -> {
                assertTrue(b - a >= 30, "chunk [" + a + ", " + b + ") shorter than the minimum");
                ranges.add(a + ".." + b);
            });
            List<String> sorted = new ArrayList<>(ranges);
            sorted.sort((x, y) -> Integer.compare(Integer.parseInt(x.split("\\.\\.")[0]), Integer.parseInt(y.split("\\.\\.")[0])));
            int end = 0;
            for (String r : sorted) {
                assertEquals(end, Integer.parseInt(r.split("\\.\\.")[0]), "chunks leave no gap and do not overlap: " + sorted);
                end = Integer.parseInt(r.split("\\.\\.")[1]);
            }
            assertEquals(1000, end);
            if (first == null) {
                first = sorted;
            } else {
                assertEquals(first, sorted, "the same chunks on every run");
            }
        }
    }

    @Test
    void aLoopInsideALoopRunsInTheCallingThread() {
        AtomicIntegerArray hits = new AtomicIntegerArray(64 * 64);
        Parallel.forRange(64, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                int row = i;
                Thread outer = Thread.currentThread();
                Parallel.forRange(64, 1, (c, d) -> {
                    assertSame(outer, Thread.currentThread(), "nested loop ran in another thread");
                    for (int j = c; j < d; j++) {
                        hits.incrementAndGet(row * 64 + j);
                    }
                });
            }
        });
        for (int i = 0; i < 64 * 64; i++) {
            assertEquals(1, hits.get(i), "index " + i);
        }
    }

    @Test
    void aFailureInAnyChunkIsRethrownAfterTheOthersFinish() {
        AtomicIntegerArray hits = new AtomicIntegerArray(400);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(400, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                hits.incrementAndGet(i);
                if (i == 399) {
                    throw new IllegalStateException("chunk ending at " + b);
                }
            }
        }));
        assertEquals("chunk ending at 400", e.getMessage());
        int ran = 0;
        for (int i = 0; i < 400; i++) {
            ran += hits.get(i);
        }
        assertEquals(400, ran, "the other chunks still ran to their end");
        // the pool still works afterwards
        AtomicIntegerArray again = new AtomicIntegerArray(10);
        Parallel.forRange(10, 1, (a, b) -> {
            for (int i = a; i < b; i++) {
                again.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 10; i++) {
            assertEquals(1, again.get(i));
        }
    }
}
