package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visualbackprop.cli.CommandLineTest.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;

/** {@code vbp train}'s optimizer, schedule, clipping and augmentation options, {@code vbp evaluate} on a classifier, {@code vbp diagnose}. */
class TrainingRecipeCommandTest {
    @Test
    void theRecipeGoesIntoTheProvenanceAndTheLearningCurveIntoACsv(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("bars.vbpm");
        CommandLineTest.Result t = run("train", "--data", "bars", "--samples", "128", "--val-samples", "32", "--epochs", "2", "--batch", "16",
                "--optimizer", "adamw", "--lr", "0.002", "--weight-decay", "0.01", "--schedule", "cosine", "--warmup", "0.5", "--min-lr", "0.1",
                "--clip", "5", "--augment", "flip,brightness:0.1", "--validate-every", "64", "--quiet", "--out", model.toString());
        assertEquals(0, t.status(), t.err());
        Provenance p = ModelFile.load(model).provenance();
        assertEquals("adamw", p.get("optimizer"));
        assertEquals("0.002", p.get("learning_rate"));
        assertEquals("0.01", p.get("weight_decay"));
        assertEquals("cosine(warmup 4, min 0.1) over 16 steps", p.get("schedule"));
        assertEquals("5.0", p.get("gradient_clip"));
        assertEquals("flip(p 0.5, target negated) + brightness(+-0.1)", p.get("augmentation"));
        assertEquals("2", p.get("epochs_done"));
        List<String> csv = Files.readAllLines(dir.resolve("bars.curve.csv"));
        assertEquals("kind,samples,epochs,loss,metric,learning_rate,gradient_norm", csv.get(0));
        assertEquals(16, csv.stream().filter(l -> l.startsWith("step,")).count(), "one row per step");
        // validations at 64 and 192 samples (mid-epoch), and at the end of each epoch (128, 256)
        assertEquals(List.of("64", "128", "192", "256"), csv.stream().filter(l -> l.startsWith("validation,")).map(l -> l.split(",")[1]).toList());
        assertTrue(Files.exists(dir.resolve("bars.loss.png")));
    }

    @Test
    void augmentationsThatWouldLieAboutTheLabelAreRefusedByName(@TempDir Path dir) {
        String out = dir.resolve("m.vbpm").toString();
        CommandLineTest.Result shift = run("train", "--data", "bars", "--augment", "shift", "--out", out, "--quiet");
        assertEquals(2, shift.status());
        assertTrue(shift.err().contains("shift") && shift.err().contains("steering"), shift.err());
        CommandLineTest.Result flipSigns = run("train", "--data", "signs", "--net", "small", "--augment", "flip", "--out", out, "--quiet");
        assertEquals(2, flipSigns.status());
        assertTrue(flipSigns.err().contains("traffic sign"), flipSigns.err());
        CommandLineTest.Result camera = run("train", "--data", "bars", "--augment", "camera:0.3", "--out", out, "--quiet");
        assertEquals(2, camera.status());
        assertTrue(camera.err().contains("camera") && camera.err().contains("bars"), camera.err());
        CommandLineTest.Result unknown = run("train", "--data", "bars", "--augment", "rotate", "--out", out, "--quiet");
        assertEquals(2, unknown.status());
        assertTrue(unknown.err().contains("rotate"), unknown.err());
        CommandLineTest.Result opt = run("train", "--data", "bars", "--optimizer", "rmsprop", "--out", out, "--quiet");
        assertEquals(2, opt.status());
        assertTrue(opt.err().contains("rmsprop") && opt.err().contains("adamw"), opt.err());
        CommandLineTest.Result sched = run("train", "--data", "bars", "--schedule", "linear", "--out", out, "--quiet");
        assertEquals(2, sched.status());
        assertTrue(sched.err().contains("linear") && sched.err().contains("cosine"), sched.err());
    }

    @Test
    void evaluateReportsAClassifiersHeldOutAccuracy(@TempDir Path dir) {
        Path model = dir.resolve("signs.vbpm");
        CommandLineTest.Result t = run("train", "--net", "small", "--data", "signs", "--samples", "86", "--val-samples", "43", "--epochs", "1",
                "--optimizer", "adam", "--lr", "0.001", "--augment", "shift:2", "--quiet", "--out", model.toString());
        assertEquals(0, t.status(), t.err());
        CommandLineTest.Result e = run("evaluate", "--model", model.toString(), "--data", "signs", "--samples", "86");
        assertEquals(0, e.status(), e.err());
        assertTrue(e.out().contains("accuracy") && e.out().contains("of 86") && e.out().contains("chance 2.3%"), e.out());
        CommandLineTest.Result wrong = run("evaluate", "--model", model.toString(), "--data", "fashion-mnist");
        assertEquals(2, wrong.status());
    }

    @Test
    void diagnosePrintsTheFloorAndTheGradientScale() {
        CommandLineTest.Result d = run("diagnose", "--floor", "--scenes", "600", "--gradients", "--net", "small", "--batch", "4");
        assertEquals(0, d.status(), d.err());
        assertTrue(d.out().contains("perfect lane detector") && d.out().contains("conv1") && d.out().contains("fc2"), d.out());
        CommandLineTest.Result none = run("diagnose");
        assertEquals(2, none.status());
    }
}
