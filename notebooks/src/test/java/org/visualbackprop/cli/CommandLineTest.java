package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.data.BarPositions;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.NpyArray;
import org.visualbackprop.train.Datasets;

/** The {@code vbp} commands as a user runs them, in-process, with their output captured. */
class CommandLineTest {
    /** Runs the command line, returning exit status, standard output and standard error. */
    static Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int status = Vbp.run(args);
            return new Result(status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    record Result(int status, String out, String err) {
    }

    @Test
    void describePrintsTable1Sizes() {
        Result r = run("describe", "netsvf", "--paper-rows");
        assertEquals(0, r.status(), r.err());
        for (String row : List.of("32 x 123 x 638", "32 x 61 x 318", "48 x 59 x 316", "48 x 29 x 157", "64 x 27 x 155",
                "64 x 13 x 77", "96 x 11 x 75", "96 x 5 x 37", "128 x 3 x 35", "128 x 1 x 17", "1024", "512")) {
            assertTrue(r.out().contains(row), "missing " + row + " in\n" + r.out());
        }
        assertTrue(r.out().contains("Total"));
    }

    @Test
    void verifySymbolicProvesASmallClassAndPrintsTheErratum() {
        Result r = run("verify", "--symbolic", "--max-depth", "1", "--max-size", "2", "--max-kernel", "2", "--threads", "1");
        assertEquals(0, r.status(), r.err() + r.out());
        assertTrue(r.out().contains("depth <= 1, kernels <= 2, strides <= 2, padding <= 1 (per axis), inputs <= 2x2"), r.out());
        assertEquals(6, r.out().split("identity \\(proved\\)", -1).length - 1, r.out());
        assertTrue(r.out().contains("fails, as it should (erratum)"), r.out());
        assertTrue(r.out().contains("smallest geometry:\n  1x1x1 | conv 1x1 -> 1\n"), r.out());
        assertTrue(r.out().contains("Proved: for every network of this class"), r.out());
        Result bad = run("verify", "--symbolic", "--max-depth", "0");
        assertEquals(2, bad.status(), bad.out());
        assertTrue(bad.err().contains("maxDepth must be >= 1, got 0"), bad.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : List.of("describe", "train", "explain", "export")) {
            Result r = run(c, "--help");
            assertEquals(0, r.status(), c);
            assertTrue(r.out().contains("Usage: vbp " + c), r.out());
        }
    }

    @Test
    void trainThenExplainWritesTheModelAndEveryPicture(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("bars.vbpm");
        Result t = run("train", "--data", "bars", "--samples", "256", "--val-samples", "64", "--epochs", "2", "--quiet", "--out", model.toString());
        assertEquals(0, t.status(), t.err());
        assertTrue(t.out().contains("epoch   2/2"), t.out());
        assertTrue(Files.exists(model));
        assertTrue(Files.exists(dir.resolve("bars.loss.png")));
        assertEquals("2", ModelFile.load(model).provenance().get("epochs_done"));

        // two inputs as one .npy batch
        BarPositions bars = BarPositions.of(32, 64, 2, 99);
        Path in = dir.resolve("bars.npy");
        Npy.write(in, Datasets.batch(bars, 0, 2).inputs());
        Path out = dir.resolve("explained");
        Result e = run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "all", "--quiet", "--out", out.toString());
        assertEquals(0, e.status(), e.err());
        for (String stem : List.of("bars_0", "bars_1")) {
            for (String m : List.of("vbp", "lrp", "gradient", "gradxinput")) {
                NpyArray a = Npy.read(out.resolve(stem + "." + m + ".npy"));
                assertEquals(List.of(32, 64), List.of(a.shape()[0], a.shape()[1]), m);
                assertTrue(Files.size(out.resolve(stem + "." + m + ".png")) > 0);
                assertTrue(Files.size(out.resolve(stem + "." + m + "-overlay.png")) > 0);
            }
            assertTrue(Files.exists(out.resolve(stem + ".vbp-steps.png")));
            assertTrue(Files.exists(out.resolve(stem + ".vbp-vs-lrp.png")));
        }
        List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("input,prediction", csv.get(0));
        assertEquals(3, csv.size());
    }

    @Test
    void badInputGetsAMessageNotAStackTrace(@TempDir Path dir) throws Exception {
        Result missing = run("explain", "--model", dir.resolve("none.vbpm").toString(), "--input", dir.toString(), "--out", dir.toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("none.vbpm"), missing.err());
        Path bad = dir.resolve("bad.vbpm");
        Files.writeString(bad, "not a model");
        Result corrupt = run("describe", bad.toString());
        assertEquals(2, corrupt.status());
        assertTrue(corrupt.err().contains("bad.vbpm"), corrupt.err());
        assertTrue(!corrupt.err().contains("\tat "), corrupt.err());
        Result lr = run("train", "--lr", "0", "--out", dir.resolve("m.vbpm").toString(), "--quiet");
        assertEquals(2, lr.status());
        assertTrue(lr.err().contains("learning rate must be > 0"), lr.err());
    }

    @Test
    void explainOnAnOpenClDeviceWritesWhatJavaWrites(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(org.visualbackprop.engine.Engines.list().hasOpenCL()
                || Boolean.getBoolean("vbp.requireOpenCL"), "no OpenCL device: skipping the --device check");
        Path model = dir.resolve("bars.vbpm");
        assertEquals(0, run("train", "--data", "bars", "--samples", "64", "--val-samples", "16", "--epochs", "1", "--quiet",
                "--out", model.toString()).status());
        Path in = dir.resolve("bars.npy");
        Npy.write(in, Datasets.batch(BarPositions.of(32, 64, 3, 5), 0, 3).inputs());
        for (String device : List.of("java", "opencl-cpu")) {
            Result r = run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "vbp,lrp", "--device", device,
                    "--quiet", "--out", dir.resolve(device).toString());
            assertEquals(0, r.status(), r.err());
            assertTrue(r.out().contains(device.equals("java") ? "on java" : "on opencl"), r.out());
        }
        for (int i = 0; i < 3; i++) {
            for (String m : List.of("vbp", "lrp")) {
                float[] a = Npy.read(dir.resolve("java/bars_" + i + "." + m + ".npy")).floats();
                float[] b = Npy.read(dir.resolve("opencl-cpu/bars_" + i + "." + m + ".npy")).floats();
                float scale = 1e-30f;
                for (float v : a) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int q = 0; q < a.length; q++) {
                    assertEquals(a[q], b[q], 1e-3f * scale, m + " of bars_" + i + " at " + q);
                }
            }
        }
    }
}
