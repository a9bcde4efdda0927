package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.NpyArray;
import org.visualbackprop.testing.AuthorsData;

/** {@code vbp explain} on the authors' own model and frames (skipped when ../shared/authors is absent). */
class AuthorsExplainTest {

    @Test
    void explainWritesThePicturesForEveryFrameInBothBatchNormModes(@TempDir Path dir) throws Exception {
        Path model = AuthorsData.model();
        Path frames = AuthorsData.frames();
        for (String mode : List.of("batch", "running")) {
            Path out = dir.resolve(mode);
            CommandLineTest.Result r = CommandLineTest.run("explain", "--model", model.toString(), "--input", frames.toString(),
                    // every method but SmoothGrad and Integrated Gradients (25 and 32 passes per frame: minutes here for nothing
                    // the small nets of ExplainCommandTest do not check)
                    "--method", String.join(",", Explainer.names().stream().filter(m -> !m.equals("smoothgrad")
                            && !m.equals("integrated-gradients")).toList()), "--batchnorm", mode, "--quiet", "--out", out.toString());
            assertEquals(0, r.status(), r.err());
            List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
            assertEquals(AuthorsData.FRAMES + 1, csv.size());
            for (String row : csv.subList(1, csv.size())) {
                assertTrue(Double.isFinite(Double.parseDouble(row.split(",")[1])), row);
            }
            for (int i = 1; i <= AuthorsData.FRAMES; i++) {
                String stem = "img" + i;
                for (String m : List.of("vbp", "lrp", "gradient", "gradxinput")) {
                    assertTrue(Files.size(out.resolve(stem + "." + m + ".png")) > 0, stem + " " + m);
                    assertTrue(Files.size(out.resolve(stem + "." + m + "-overlay.png")) > 0, stem + " " + m);
                    NpyArray a = Npy.read(out.resolve(stem + "." + m + ".npy"));
                    assertEquals(125, a.shape()[0]);
                    assertEquals(640, a.shape()[1]);
                }
                assertTrue(Files.size(out.resolve(stem + ".vbp-steps.png")) > 0);
            }
            // the frames whose last hidden layer is all off (their prediction is the last bias alone) are reported
            assertTrue(r.out().contains("is its bias alone"), r.out());
        }
    }
}
