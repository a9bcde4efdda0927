package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.testing.Tolerances;

class FashionMnistTest {
    @TempDir
    Path dir;

    /** Writes a tiny split: 4 pictures of 28 x 28, pixel (r, c) of picture i = (i * 50 + r + c) mod 256. */
    private void writeSplit(String prefix, boolean gz, byte[] labels) throws IOException {
        int n = labels.length;
        byte[] px = new byte[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < 28; r++) {
                for (int c = 0; c < 28; c++) {
                    px[(i * 28 + r) * 28 + c] = (byte) ((i * 50 + r + c) % 256);
                }
            }
        }
        String s = gz ? ".gz" : "";
        Idx.writeImages(dir.resolve(prefix + "-images-idx3-ubyte" + s), new Idx.Images(n, 28, 28, px));
        Idx.writeLabels(dir.resolve(prefix + "-labels-idx1-ubyte" + s), new Idx.Labels(labels));
    }

    @Test
    void readsASplitAsTwentyEightSquareInputsInUnitRange() throws IOException {
        writeSplit("t10k", false, new byte[] {9, 0, 3, 7});
        writeSplit("train", true, new byte[] {1, 2});
        FashionMnist d = FashionMnist.load(dir, FashionMnist.Split.TEST);
        assertEquals(4, d.size());
        assertEquals(new Shape(1, 1, 28, 28), d.inputShape());
        assertEquals(new Shape(1, 1, 1, 1), d.targetShape());
        float[] x = new float[28 * 28];
        float[] t = new float[1];
        d.load(2, x, 0, t, 0);
        assertEquals(3f, t[0]);
        assertEquals((2 * 50 + 5 + 6) / 255f, x[5 * 28 + 6], 1e-7);
        assertEquals(9, d.label(0));
        assertEquals(2, FashionMnist.load(dir, FashionMnist.Split.TRAIN).size());
        assertTrue(d.describe().contains("t10k") || d.describe().contains("test"), d.describe());
    }

    @Test
    void padsAndResizesToTheRequestedInput() throws IOException {
        writeSplit("t10k", false, new byte[] {4});
        FashionMnist d = FashionMnist.load(dir, FashionMnist.Split.TEST);
        FashionMnist padded = d.withInput(3, 32, 34, FashionMnist.Placement.PAD);
        assertEquals(new Shape(1, 3, 32, 34), padded.inputShape());
        float[] x = new float[3 * 32 * 34];
        float[] t = new float[1];
        padded.load(0, x, 0, t, 0);
        assertEquals(0f, x[0]);
        // picture pixel (0, 0) lands at (2, 3); every channel holds the same gray
        for (int c = 0; c < 3; c++) {
            assertEquals(0f, x[c * 32 * 34 + 2 * 34 + 2]);
            assertEquals((0 + 0) / 255f, x[c * 32 * 34 + 2 * 34 + 3], 1e-7);
            assertEquals((27 + 27) / 255f, x[c * 32 * 34 + 29 * 34 + 30], 1e-7);
        }
        FashionMnist big = d.withInput(1, 56, 56, FashionMnist.Placement.RESIZE);
        float[] y = new float[56 * 56];
        big.load(0, y, 0, t, 0);
        // pixel values r + c grow linearly, so the upsampled picture does too, between pixel centres
        assertEquals((10 + 10) / 255f, (y[(2 * 10 + 1) * 56 + 2 * 10 + 1] + y[(2 * 10) * 56 + 2 * 10]) / 2, Tolerances.F32);
        FashionMnist small = d.withInput(1, 14, 14, FashionMnist.Placement.RESIZE);
        float[] z = new float[14 * 14];
        small.load(0, z, 0, t, 0);
        // area averaging: output (3, 5) is the mean of r + c over r in {6, 7}, c in {10, 11}
        assertEquals((2 * 3 + 2 * 5 + 1) / 255f, z[3 * 14 + 5], Tolerances.F32);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.withInput(1, 20, 20, FashionMnist.Placement.PAD));
        assertTrue(e.getMessage().contains("20 x 20"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.withInput(2, 28, 28, FashionMnist.Placement.PAD));
    }

    @Test
    void inconsistentOrMissingFilesAreReportedWithTheirNames() throws IOException {
        NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TRAIN));
        assertTrue(missing.getMessage().contains("train-images-idx3-ubyte"), missing.getMessage());
        writeSplit("t10k", false, new byte[] {1, 2, 3});
        Idx.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), new Idx.Labels(new byte[] {1, 2}));
        String m = assertThrows(CorruptFileException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST)).getMessage();
        assertTrue(m.contains("3 images") && m.contains("2 labels"), m);
        Idx.writeLabels(dir.resolve("t10k-labels-idx1-ubyte"), new Idx.Labels(new byte[] {1, 12, 3}));
        m = assertThrows(CorruptFileException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST)).getMessage();
        assertTrue(m.contains("label 12") && m.contains("sample 1") && m.contains("offset 9"), m);
    }

    @Test
    void debianPackageTestSplit() throws IOException {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.Split.TEST),
                "Debian's dataset-fashion-mnist is not installed in " + FashionMnist.DEBIAN_DIR
                        + " (apt-get install dataset-fashion-mnist): skipping the test on the real files");
        FashionMnist d = FashionMnist.load(FashionMnist.Split.TEST);
        assertEquals(10_000, d.size());
        assertEquals(new Shape(1, 1, 28, 28), d.inputShape());
        int[] count = new int[10];
        for (int i = 0; i < d.size(); i++) {
            count[d.label(i)]++;
        }
        for (int c = 0; c < 10; c++) {
            assertEquals(1000, count[c], "class " + c + " (" + FashionMnist.CLASS_NAMES.get(c) + ")");
        }
        assertEquals(9, d.label(0), "the first test picture is an ankle boot");
        float[] x = new float[28 * 28];
        float[] t = new float[1];
        d.load(0, x, 0, t, 0);
        double sum = 0;
        for (float v : x) {
            assertTrue(v >= 0 && v <= 1);
            sum += v;
        }
        assertTrue(sum > 10, "picture 0 is not blank: " + sum);
    }

    @Test
    void debianPackageTrainSplit() throws IOException {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.Split.TRAIN),
                "Debian's dataset-fashion-mnist is not installed in " + FashionMnist.DEBIAN_DIR
                        + " (apt-get install dataset-fashion-mnist): skipping the test on the real files");
        FashionMnist d = FashionMnist.load(FashionMnist.Split.TRAIN);
        assertEquals(60_000, d.size());
    }
}
