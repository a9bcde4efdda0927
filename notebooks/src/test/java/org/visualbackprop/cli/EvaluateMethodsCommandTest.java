package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** {@code vbp evaluate-methods} as a user runs it: a model file, a folder of frames, the outputs it promises. */
class EvaluateMethodsCommandTest {

    @Test
    void writesTheTablesAndPlotsForAFolderOfFrames(@TempDir Path dir) throws Exception {
        Shape in = new Shape(1, 1, 28, 28);
        Network net = PaperNets.small(in, 4, true, 3);
        Path model = dir.resolve("net.vbpm");
        ModelFile.save(net, Provenance.of("seed", 3), model);
        Path frames = Files.createDirectory(dir.resolve("frames"));
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < 3; i++) {
            Npy.write(frames.resolve("f" + i + ".npy"), Tensor.uniform(in, 0, 1, r));
        }
        Path out = dir.resolve("out");
        CommandLineTest.Result res = CommandLineTest.run("evaluate-methods", "--model", model.toString(), "--data", frames.toString(),
                "--methods", "vbp,gradient,edge", "--quick", "--quiet", "--out", out.toString());
        assertEquals(0, res.status(), res.err());
        for (String f : List.of("metrics.csv", "summary.md", "randomization-cascading.png", "randomization-cascading-ssim.png",
                "randomization-independent.png", "randomization-grid.png", "perturbation.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertFalse(Files.exists(out.resolve("localisation.md")), "a folder of frames has no ground truth");
        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("method,metric,setting,value,frames", csv.get(0));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("vbp,perturbation,abpc;")), String.join("\n", csv.subList(0, 5)));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("edge,randomization-cascading,step=1;")));
        assertTrue(res.out().contains("localisation: skipped"), res.out());
        assertTrue(res.out().contains("| vbp |"), res.out());
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyWorkAndLeaveNothing(@TempDir Path dir) throws Exception {
        Network net = PaperNets.small(new Shape(1, 1, 28, 28), 4, true, 3);
        Path model = dir.resolve("net.vbpm");
        ModelFile.save(net, Provenance.of("seed", 3), model);
        Path out = dir.resolve("out");
        CommandLineTest.Result bad = CommandLineTest.run("evaluate-methods", "--model", model.toString(), "--metrics", "sanity",
                "--out", out.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("unknown metric 'sanity'"), bad.err());
        CommandLineTest.Result method = CommandLineTest.run("evaluate-methods", "--model", model.toString(), "--methods", "vbp,gradcam++",
                "--out", out.toString());
        assertEquals(2, method.status());
        assertTrue(method.err().contains("gradcam++"), method.err());
        CommandLineTest.Result data = CommandLineTest.run("evaluate-methods", "--model", model.toString(), "--data", "roads", "--quick",
                "--out", out.toString());
        assertEquals(2, data.status());
        assertTrue(data.err().contains("road frames are 1 x 125 x 640"), data.err());
        assertFalse(Files.exists(out), "nothing was written");
    }
}
