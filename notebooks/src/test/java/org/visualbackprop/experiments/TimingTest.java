package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.tensor.Shape;

/** The plumbing of the timing notebook; no verdicts on the times (those belong to benchmarks). */
class TimingTest {

    @Test
    void everyNetAndBatchGetsARowOfPositiveTimes() {
        List<Timing.Net> nets = List.of(new Timing.Net("tiny", () -> PaperNets.small(new Shape(1, 1, 16, 32), 1, false, 1)));
        List<Timing.Row> rows = Timing.measure(nets, new Timing.Config(new int[] {1, 2}, 0, 1, 0, 1));
        assertEquals(2, rows.size());
        assertEquals(2, rows.get(1).batch());
        for (Timing.Row r : rows) {
            assertTrue(r.forward() > 0 && r.forwardMeans() > 0 && r.vbp() > 0 && r.lrp() > 0, r.toString());
            assertEquals(r.lrp() / r.vbp(), r.lrpOverVbp(), 1e-12);
        }
        String t = Timing.table(rows);
        assertTrue(t.contains("VisualBackProp 2.0 ms, LRP 24.6 ms"), t);
        assertEquals(2, t.lines().filter(l -> l.startsWith("tiny ")).count(), t);
        assertEquals(900, BitmapEncoder.getBufferedImage(Timing.chart(rows)).getWidth());
    }

    @Test
    void sizesComeFromTheEnvironment() {
        assertEquals(Timing.Config.quick().repeats(), Timing.Config.fromEnvironment(Map.of("VBP_QUICK", "1")).repeats());
        assertEquals(Timing.Config.full().repeats(), Timing.Config.fromEnvironment(Map.of()).repeats());
        assertEquals(2, Timing.paperNets(1).size());
    }

    @Test
    void savedResultsAreTheBenchmarkFilesOfTheFolder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bench-gpu.txt"), "NetSVF 1 0.8 ms");
        Files.writeString(dir.resolve("notes.txt"), "not a benchmark");
        Files.writeString(dir.resolve("bench.png"), "not text");
        List<Timing.Saved> saved = Timing.savedResults(dir);
        assertEquals(1, saved.size());
        assertEquals("NetSVF 1 0.8 ms", saved.get(0).text());
        String before = System.getProperty("vbp.results.dir");
        try {
            System.setProperty("vbp.results.dir", dir.toString());
            assertEquals(dir, Timing.resultsFolder());
            assertEquals(1, Timing.savedResults().size());
        } finally {
            if (before == null) {
                System.clearProperty("vbp.results.dir");
            } else {
                System.setProperty("vbp.results.dir", before);
            }
        }
    }
}
