package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * {@code vbp explain} over a stream of frames: batches give exactly what explaining the frames one by one gives, stacks
 * hold exactly the per-frame maps, a resumed run gives the same files as an uninterrupted one, and the summary is
 * written.
 */
class ExplainStreamTest {
    private static final Shape IN = new Shape(1, 1, 24, 32);

    private static Path model(Path dir) throws IOException {
        Network net = PaperNets.small(IN, 1, false, 8);
        Path m = dir.resolve("m.vbpm");
        ModelFile.save(net, Provenance.of("seed", 8), m);
        return m;
    }

    /** Seven inputs as files x0.npy .. x6.npy in {@code folder}. */
    private static Path inputs(Path folder) throws IOException {
        Files.createDirectories(folder);
        for (int i = 0; i < 7; i++) {
            Npy.write(folder.resolve("x" + i + ".npy"), Tensor.uniform(IN, 0, 1, new SplittableRandom(100 + i)));
        }
        return folder;
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void sameFiles(Map<String, byte[]> want, Map<String, byte[]> got, String what) {
        assertEquals(want.keySet(), got.keySet(), what);
        for (String f : want.keySet()) {
            if (f.endsWith(".png")) {
                continue; // PNG encoders may differ in metadata; their pixels come from the maps compared below
            }
            assertArrayEquals(want.get(f), got.get(f), what + ": " + f);
        }
    }

    @Test
    void batchesOfSeveralFramesGiveWhatFramesOneByOneGive(@TempDir Path dir) throws Exception {
        Path model = model(dir);
        Path in = inputs(dir.resolve("in"));
        Path batched = dir.resolve("batched");
        Path single = dir.resolve("single");
        assertEquals(0, CommandLineTest.run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "vbp,lrp,gradient",
                "--batch", "3", "--quiet", "--out", batched.toString()).status());
        assertEquals(0, CommandLineTest.run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "vbp,lrp,gradient",
                "--batch", "1", "--quiet", "--out", single.toString()).status());
        sameFiles(files(single), files(batched), "batch 3 against batch 1");
        assertTrue(files(batched).containsKey("summary.md") && files(batched).containsKey("similarity.csv"));
    }

    @Test
    void stacksHoldExactlyThePerFrameMaps(@TempDir Path dir) throws Exception {
        Path model = model(dir);
        Path in = inputs(dir.resolve("in"));
        Path perFrame = dir.resolve("files");
        Path stacked = dir.resolve("stack");
        assertEquals(0, CommandLineTest.run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "vbp,lrp",
                "--quiet", "--out", perFrame.toString()).status());
        CommandLineTest.Result r = CommandLineTest.run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "vbp,lrp",
                "--stack", "--no-pictures", "--batch", "2", "--quiet", "--out", stacked.toString());
        assertEquals(0, r.status(), r.err());
        for (String method : List.of("vbp", "lrp")) {
            assertArrayEquals(new int[] {7, 24, 32}, Npy.header(stacked.resolve(method + ".npy")).shape());
            for (int i = 0; i < 7; i++) {
                float[] want = Npy.read(perFrame.resolve("x" + i + "." + method + ".npy")).floats();
                double[] got = ExplainRun.storedMap(stacked.resolve(method + ".npy"), stacked.resolve(method + ".exponent.npy"), i);
                for (int q = 0; q < want.length; q++) {
                    assertEquals(want[q], (float) got[q], method + " frame " + i + " pixel " + q);
                }
            }
        }
        try (Stream<Path> s = Files.list(stacked)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("x")), "no per-frame files with --stack --no-pictures");
        }
    }

    /**
     * A resumable run dies at its fifth input (a damaged file); after the file is mended, the same command with --resume
     * continues after the fourth input and leaves exactly the files an uninterrupted run leaves.
     */
    @Test
    void aResumedRunGivesTheFilesOfAnUninterruptedOne(@TempDir Path dir) throws Exception {
        Path model = model(dir);
        Path in = inputs(dir.resolve("in"));
        Path straight = dir.resolve("straight");
        String[] args = {"explain", "--model", model.toString(), "--input", in.toString(), "--method", "vbp,lrp", "--stack", "--batch", "2",
                "--resume", "--quiet", "--out"};
        assertEquals(0, CommandLineTest.run(concat(args, straight.toString())).status());

        byte[] good = Files.readAllBytes(in.resolve("x4.npy"));
        Files.write(in.resolve("x4.npy"), java.util.Arrays.copyOf(good, 200)); // the header whole, the values cut
        Path resumed = dir.resolve("resumed");
        CommandLineTest.Result failed = CommandLineTest.run(concat(args, resumed.toString()));
        assertEquals(2, failed.status());
        assertTrue(failed.err().contains("x4.npy") && failed.err().contains("first 4 of 7 frames are kept")
                && failed.err().contains("--resume"), failed.err());
        assertTrue(Files.exists(resumed.resolve(ExplainRun.PROGRESS)));
        assertFalse(Files.exists(resumed.resolve("predictions.csv")), "the table is not in place before the run is complete");

        Files.write(in.resolve("x4.npy"), good);
        CommandLineTest.Result again = CommandLineTest.run(concat(args, resumed.toString()));
        assertEquals(0, again.status(), again.err());
        assertTrue(again.out().contains("resumed after 4"), again.out());
        sameFiles(files(straight), files(resumed), "resumed against uninterrupted");
        assertFalse(Files.exists(resumed.resolve(ExplainRun.PROGRESS)));
    }

    @Test
    void syntheticRoadsGetTheMassTableAndTheSummaryItsPictures(@TempDir Path dir) throws Exception {
        Network net = PaperNets.small(new Shape(1, 1, 125, 640), 1, false, 3);
        Path model = dir.resolve("roads.vbpm");
        ModelFile.save(net, Provenance.of("seed", 3), model);
        Path out = dir.resolve("out");
        CommandLineTest.Result r = CommandLineTest.run("explain", "--model", model.toString(), "--data", "roads", "--frames", "6",
                "--method", "vbp,gradient", "--no-pictures", "--stack", "--unusual", "2", "--quiet", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("6 synthetic road frames") && md.contains("lane marking") && md.contains("| vbp |"), md);
        for (String f : List.of("mean.vbp.png", "mean.gradient.png", "unusual.vbp.png", "predictions.csv", "similarity.csv")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(1 + 6 * 2, Files.readAllLines(out.resolve("similarity.csv")).size());
        assertEquals(7, Files.readAllLines(out.resolve("predictions.csv")).size());
    }

    private static String[] concat(String[] a, String last) {
        String[] b = java.util.Arrays.copyOf(a, a.length + 1);
        b[a.length] = last;
        return b;
    }
}
