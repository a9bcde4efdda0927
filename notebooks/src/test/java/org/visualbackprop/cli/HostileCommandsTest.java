package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.NpyArray;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.tensor.Shape;

/**
 * The commands given hostile input, as a user runs them: each case ends in one clear line on standard error, exit status
 * 2, and nothing half-written on disk (the files left are listed and checked).
 */
class HostileCommandsTest {
    @TempDir
    Path dir;

    private static void assertNoTemporaryFiles(Path d) throws IOException {
        List<String> all = OutputFolderTest.tree(d);
        assertTrue(all.stream().noneMatch(p -> p.contains(".vbp-") || p.endsWith(".tmp")), "temporary files left: " + all);
    }

    @Test
    void trainToAnUnwritablePlaceFailsBeforeTrainingWithTheReason() throws IOException {
        Path file = dir.resolve("afile");
        Files.writeString(file, "mine");
        CommandLineTest.Result r = CommandLineTest.run("train", "--quiet", "--out", file.resolve("m.vbpm").toString());
        assertEquals(2, r.status());
        assertEquals("vbp train: --out " + file.resolve("m.vbpm") + ": " + file.toAbsolutePath() + " is an existing file, not a folder",
                r.err().strip());
        assertFalse(r.out().contains("training"), "failed before training: " + r.out());
        assertEquals(List.of("afile"), OutputFolderTest.tree(dir));
    }

    @Test
    void outThatIsAFileOrAFolderWhereTheOtherIsMeantSaysSo() throws IOException {
        Path file = dir.resolve("results");
        Files.writeString(file, "mine");
        for (String command : List.of("demo", "figures")) {
            CommandLineTest.Result r = CommandLineTest.run(command, "--quick", "--out", file.toString());
            assertEquals(2, r.status(), command);
            assertEquals("vbp " + command + ": --out " + file + " is an existing file, not a folder (give a folder name; it is created"
                    + " when missing)", r.err().strip());
        }
        Path folder = dir.resolve("models");
        Files.createDirectory(folder);
        CommandLineTest.Result r = CommandLineTest.run("train", "--quiet", "--out", folder.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--out " + folder + " is an existing folder; give a model file name (such as "
                + folder.resolve("model.vbpm") + ")"), r.err());
        r = CommandLineTest.run("train", "--quiet", "--out", dir.resolve("model.bin").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("a model file name must end in .vbpm"), r.err());
        assertEquals(List.of("models", "results"), OutputFolderTest.tree(dir));
    }

    @Test
    void trainingThatDivergesStopsKeepsOnlyTheLastFiniteCheckpointAndNoMasks() throws Exception {
        Path model = dir.resolve("m.vbpm");
        // at this learning rate the small net's BatchNorm statistics overflow within a few epochs
        CommandLineTest.Result r = CommandLineTest.run("train", "--quiet", "--epochs", "30", "--samples", "128", "--val-samples", "32",
                "--lr", "1.35", "--masks-at", "0,1,2", "--out", model.toString());
        assertEquals(2, r.status(), r.out() + r.err());
        String err = r.err().strip();
        assertTrue(err.startsWith("vbp train: training diverged: "), err);
        Matcher m = Pattern.compile("in epoch (\\d+)|at epoch (\\d+)").matcher(err);
        assertTrue(m.find(), err);
        int diverged = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
        if (diverged == 1) {
            assertTrue(err.endsWith("; nothing was written"), err);
            assertEquals(List.of(), OutputFolderTest.tree(dir));
        } else {
            int kept = diverged - 1;
            assertTrue(err.endsWith("; left in place: " + model + " (the checkpoint of epoch " + kept + " of 30); nothing else was written"),
                    err);
            assertEquals(List.of("m.vbpm"), OutputFolderTest.tree(dir), "no loss curve, no masks folder, no mask grid");
            ModelFile.Model saved = ModelFile.load(model);
            assertEquals(String.valueOf(kept), saved.provenance().get("epochs_done"));
            assertTrue(saved.network().findNonFinite().isEmpty());
        }
    }

    /** A model file whose weight {@code entry} has a NaN at element 0. */
    private Path modelWithNan(String entry) throws IOException {
        Path good = dir.resolve("good.vbpm");
        ModelFile.save(PaperNets.small(new Shape(1, 1, 32, 64), 1, false, 3), Provenance.of("seed", 3), good);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(good)); ZipOutputStream out = new ZipOutputStream(b)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals(entry)) {
                    NpyArray a = Npy.read(new java.io.ByteArrayInputStream(bytes), entry);
                    float[] f = a.floats();
                    f[0] = Float.NaN;
                    ByteArrayOutputStream o = new ByteArrayOutputStream();
                    Npy.write(o, a.shape(), f);
                    bytes = o.toByteArray();
                }
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        Path bad = dir.resolve("nan.vbpm");
        Files.write(bad, b.toByteArray());
        return bad;
    }

    @Test
    void aModelWithANanWeightIsRefusedNamingLayerAndTensor() throws IOException {
        Path bad = modelWithNan("tensors/1.weight.npy");
        for (String[] args : List.of(new String[] {"describe", bad.toString()},
                new String[] {"evaluate", "--model", bad.toString(), "--samples", "2"})) {
            CommandLineTest.Result r = CommandLineTest.run(args);
            assertEquals(2, r.status(), args[0]);
            assertEquals("vbp " + args[0] + ": " + bad + ": conv1 (layer 1, Conv2d) weight[0] is NaN (72 values of shape [8, 1, 3, 3]): a"
                    + " model's weights and statistics must be finite (the file is damaged, or was saved from a training run that"
                    + " diverged)", r.err().strip());
        }
    }

    @Test
    void aModelThatIsAFolderReadsWell() throws IOException {
        Path folder = dir.resolve("model.vbpm");
        Files.createDirectory(folder);
        CommandLineTest.Result r = CommandLineTest.run("describe", folder.toString());
        assertEquals(2, r.status());
        assertEquals("vbp describe: " + folder + " is a folder, not a model file (expected one of .vbpm, .t7, .t7b, .onnx)", r.err().strip());
    }

    @Test
    void aBatchLargerThanTheHeapIsRefusedBeforeAnythingIsAllocated() {
        CommandLineTest.Result r = CommandLineTest.run("bench", "--device", "java", "--nets", "netsvf", "--batches", "1,20000",
                "--no-profile");
        assertEquals(2, r.status(), r.out());
        String err = r.err().strip();
        assertTrue(err.startsWith("vbp bench: --batches 20000 of NetSVF on java: a batch of 20,000 images needs at least "), err);
        assertTrue(err.contains("more than this JVM's heap of") && err.contains("the largest batch that fits is")
                && err.contains("java -Xmx<size> -jar vbp.jar") && err.contains("-Dvbp.max.batch=N"), err);
        assertFalse(r.out().contains("NetSVF        1"), "no measurement ran: " + r.out());
    }

    @Test
    void theBatchLimitSetByItsPropertyIsNamed() throws IOException {
        System.setProperty("vbp.max.batch", "8");
        try {
            CommandLineTest.Result r = CommandLineTest.run("train", "--quiet", "--batch", "16", "--out", dir.resolve("m.vbpm").toString());
            assertEquals(2, r.status());
            assertEquals("vbp train: --batch 16 of small: a batch of 16 images is more than the limit of 8 (vbp.max.batch; raise it with"
                    + " java -Dvbp.max.batch=N -jar vbp.jar ...)", r.err().strip());
        } finally {
            System.clearProperty("vbp.max.batch");
        }
        assertEquals(List.of(), OutputFolderTest.tree(dir));
    }

    @Test
    void everyWritingCommandSaysThatOutputsOfTheSameNameAreReplaced() {
        for (String c : List.of("train", "demo", "figures")) {
            CommandLineTest.Result r = CommandLineTest.run(c, "--help");
            assertEquals(0, r.status(), c);
            assertTrue(r.out().replaceAll("\\s+", " ").contains("Outputs of the same name are replaced."), c + ": " + r.out());
        }
        CommandLineTest.Result r = CommandLineTest.run("evaluate", "--help");
        assertTrue(r.out().contains("writes no files"), r.out());
    }

    @Test
    void aSuccessfulTrainingRunLeavesItsOutputsAndNoTemporaryFiles() throws IOException {
        Path model = dir.resolve("sub/m.vbpm");
        CommandLineTest.Result r = CommandLineTest.run("train", "--quiet", "--epochs", "1", "--samples", "64", "--val-samples", "16",
                "--masks-at", "0,1", "--out", model.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("sub", "sub/m.loss.png", "sub/m.masks", "sub/m.masks/epoch-0.0.png", "sub/m.masks/epoch-1.0.png",
                "sub/m.training-masks.png", "sub/m.vbpm"), OutputFolderTest.tree(dir));
        assertNoTemporaryFiles(dir);
        Map<String, String> p = ModelFile.load(model).provenance().entries();
        assertEquals("1", p.get("epochs_done"));
    }
}
