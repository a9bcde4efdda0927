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
