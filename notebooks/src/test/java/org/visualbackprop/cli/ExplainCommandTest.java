package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** {@code vbp explain} through the Explainer API: any method by name, any channel count. */
class ExplainCommandTest {

    @Test
    void aTwoChannelInputIsExplainedWithEveryMethodAndItsPicturesShowTheChannelMean(@TempDir Path dir) throws Exception {
        Network net = PaperNets.small(new Shape(1, 2, 24, 32), 1, false, 5);
        Path model = dir.resolve("two.vbpm");
        ModelFile.save(net, Provenance.of("seed", 5), model);
        Path in = dir.resolve("x.npy");
        Npy.write(in, Tensor.uniform(new Shape(2, 2, 24, 32), 0, 1, new SplittableRandom(1)));
        Path out = dir.resolve("out");
        CommandLineTest.Result r = CommandLineTest.run("explain", "--model", model.toString(), "--input", in.toString(), "--method", "all",
                "--quiet", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("input has 2 channels"), r.out());
        for (String stem : List.of("x_0", "x_1")) {
            for (String m : Explainer.names()) {
                assertEquals(List.of(24, 32), List.of(Npy.read(out.resolve(stem + "." + m + ".npy")).shape()[0],
                        Npy.read(out.resolve(stem + "." + m + ".npy")).shape()[1]), m);
                assertTrue(Files.size(out.resolve(stem + "." + m + "-overlay.png")) > 0, m);
            }
            assertTrue(Files.exists(out.resolve(stem + ".vbp-steps.png")));
            assertTrue(Files.exists(out.resolve(stem + ".vbp-vs-lrp.png")));
        }
    }

    /**
     * A run that fails on its third input (a JPEG cut short) leaves the folder of an earlier good run exactly as it was:
     * no mask of the first inputs, no header-only predictions.csv, no temporary files.
     */
    @Test
    void aFailedRunLeavesTheOutputFolderAsItFoundIt(@TempDir Path dir) throws Exception {
        Network net = PaperNets.small(new Shape(1, 1, 24, 32), 1, false, 6);
        Path model = dir.resolve("m.vbpm");
        ModelFile.save(net, Provenance.of("seed", 6), model);
        Path inputs = Files.createDirectories(dir.resolve("in"));
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(32, 24, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 24; y++) {
            for (int x = 0; x < 32; x++) {
                img.getRaster().setSample(x, y, 0, (x * 11 + y * 5) % 256);
            }
        }
        for (String name : List.of("a.png", "b.png")) {
            javax.imageio.ImageIO.write(img, "png", inputs.resolve(name).toFile());
        }
        Path out = dir.resolve("out");
        CommandLineTest.Result good = CommandLineTest.run("explain", "--model", model.toString(), "--input", inputs.toString(), "--quiet",
                "--batch", "1", "--out", out.toString());
        assertEquals(0, good.status(), good.err());
        java.util.Map<String, Long> before = listing(out);
        String csv = Files.readString(out.resolve("predictions.csv"));
        assertTrue(csv.lines().count() == 3, csv);

        javax.imageio.ImageIO.write(img, "jpg", inputs.resolve("c.jpg").toFile());
        byte[] jpg = Files.readAllBytes(inputs.resolve("c.jpg"));
        Files.write(inputs.resolve("c.jpg"), java.util.Arrays.copyOf(jpg, jpg.length * 4 / 10));
        Files.delete(inputs.resolve("a.png"));
        javax.imageio.ImageIO.write(img, "png", inputs.resolve("a2.png").toFile());
        CommandLineTest.Result bad = CommandLineTest.run("explain", "--model", model.toString(), "--input", inputs.toString(), "--quiet",
                "--batch", "1", "--method", "vbp,lrp", "--out", out.toString());
        assertEquals(2, bad.status(), bad.out());
        assertTrue(bad.err().contains("c.jpg") && bad.err().contains("nothing was written"), bad.err());
        assertEquals(before, listing(out), "the earlier run's files, unchanged, and nothing else");
        assertEquals(csv, Files.readString(out.resolve("predictions.csv")));

        Path fresh = dir.resolve("fresh");
        CommandLineTest.Result none = CommandLineTest.run("explain", "--model", model.toString(), "--input", inputs.toString(), "--quiet",
                "--out", fresh.toString());
        assertEquals(2, none.status());
        assertTrue(!Files.exists(fresh), "a folder the failed run created is removed");
    }

    @Test
    void anOutThatIsAFileIsRefusedBeforeAnyWork(@TempDir Path dir) throws Exception {
        Network net = PaperNets.small(new Shape(1, 1, 24, 32), 1, false, 6);
        Path model = dir.resolve("m.vbpm");
        ModelFile.save(net, Provenance.of("seed", 6), model);
        Path in = dir.resolve("x.npy");
        Npy.write(in, Tensor.uniform(new Shape(1, 1, 24, 32), 0, 1, new SplittableRandom(1)));
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CommandLineTest.Result r = CommandLineTest.run("explain", "--model", model.toString(), "--input", in.toString(), "--out", file.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("is an existing file, not a folder"), r.err());
        assertEquals("x", Files.readString(file));
    }

    private static java.util.Map<String, Long> listing(Path dir) throws java.io.IOException {
        java.util.Map<String, Long> m = new java.util.TreeMap<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                m.put(p.getFileName().toString(), Files.getLastModifiedTime(p).toMillis() ^ Files.size(p));
            }
        }
        return m;
    }

    @Test
    void listMethodsPrintsEveryExplainerWithWhatItComputes() {
        CommandLineTest.Result r = CommandLineTest.run("explain", "--list-methods");
        assertEquals(0, r.status(), r.err());
        for (String m : Explainer.names()) {
            assertTrue(r.out().contains(m + " ") && r.out().contains(Explainer.describe(m)), m + " in\n" + r.out());
        }
    }

    @Test
    void withoutListMethodsTheModelInputAndOutAreRequired() {
        CommandLineTest.Result r = CommandLineTest.run("explain", "--model", "m.vbpm");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("'--input=IMAGE|NPY|DIR'") && r.err().contains("'--out=DIR'"), r.err());
    }

    @Test
    void anUnknownMethodIsNamedWithTheKnownOnes(@TempDir Path dir) throws Exception {
        CommandLineTest.Result r = CommandLineTest.run("explain", "--model", dir.resolve("m.vbpm").toString(), "--input", dir.toString(),
                "--method", "vbp,saliency", "--out", dir.resolve("o").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("'saliency'") && r.err().contains("gradxinput"), r.err());
        assertTrue(!Files.exists(dir.resolve("o")), "nothing written");
    }
}
