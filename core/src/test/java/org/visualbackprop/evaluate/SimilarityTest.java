package org.visualbackprop.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.testing.Tolerances;

/**
 * The similarity measures against scipy (spearmanr, pearsonr) and scikit-image (structural_similarity, hog) as Quantus
 * calls them: {@code src/test/resources/evaluate/similarity.txt}, made by {@code make_similarity_fixtures.py} beside it
 * with Debian's python3-scipy 1.10.1 and python3-skimage 0.19.3; and the identities a measure must satisfy.
 */
class SimilarityTest {
    /** scikit-image sums each HOG cell in a C {@code float} (its {@code cell_hog}): agreement to float32 rounding. */
    private static final double HOG_FLOAT32 = 1e-6;

    record Case(String name, int h, int w, double[] a, double[] b, double spearmanAbs, double spearman, double ssim, double hog,
                double[] hogA) {
    }

    static List<Case> fixtures() throws IOException {
        List<Case> out = new ArrayList<>();
        try (InputStream in = SimilarityTest.class.getResourceAsStream("/evaluate/similarity.txt")) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i + 7 < lines.length + 1; i += 8) {
                String[] head = lines[i].split(" ");
                out.add(new Case(head[1], Integer.parseInt(head[2]), Integer.parseInt(head[3]), values(lines[i + 1]), values(lines[i + 2]),
                        values(lines[i + 3])[0], values(lines[i + 4])[0], values(lines[i + 5])[0], values(lines[i + 6])[0], values(lines[i + 7])));
            }
        }
        return out;
    }

    private static double[] values(String line) {
        String[] p = line.trim().split(" ");
        return Arrays.stream(p, 1, p.length).mapToDouble(Double::parseDouble).toArray();
    }

    @Test
    void everyMeasureMatchesScipyAndScikitImage() throws IOException {
        List<Case> cases = fixtures();
        assertEquals(3, cases.size());
        for (Case c : cases) {
            double[] s = Similarity.compare(c.a(), c.b(), c.h(), c.w());
            assertEquals(c.spearmanAbs(), s[Similarity.Measure.SPEARMAN_ABS.ordinal()], Tolerances.F64, c.name() + " Spearman |map|");
            assertEquals(c.spearman(), s[Similarity.Measure.SPEARMAN.ordinal()], Tolerances.F64, c.name() + " Spearman");
            assertEquals(c.ssim(), s[Similarity.Measure.SSIM.ordinal()], Tolerances.F64, c.name() + " SSIM");
            double[] hog = Similarity.hog(Similarity.absOverMax(c.a()), c.h(), c.w());
            assertEquals(c.hogA().length, hog.length, c.name() + " HOG length");
            for (int i = 0; i < hog.length; i++) {
                assertEquals(c.hogA()[i], hog[i], HOG_FLOAT32, c.name() + " HOG feature " + i);
            }
            assertEquals(c.hog(), s[Similarity.Measure.HOG.ordinal()], HOG_FLOAT32, c.name() + " HOG");
        }
    }

    @Test
    void aMapComparedWithItselfScoresExactlyOneOnEveryMeasure() {
        SplittableRandom r = new SplittableRandom(1);
        for (int[] size : new int[][] {{30, 40}, {125, 64}, {28, 28}}) {
            double[] a = new double[size[0] * size[1]];
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextDouble() * 2 - 0.5;
            }
            double[] s = Similarity.compare(a, a.clone(), size[0], size[1]);
            for (Similarity.Measure m : Similarity.Measure.values()) {
                assertEquals(1.0, s[m.ordinal()], 0.0, m + " at " + Arrays.toString(size));
            }
        }
    }

    @Test
    void ranksShareTiesAndUndefinedMeasuresAreNaN() {
        assertEquals(List.of(1.0, 2.5, 2.5, 4.0), Arrays.stream(Similarity.ranks(new double[] {-1, 3, 3, 7})).boxed().toList());
        assertTrue(Double.isNaN(Similarity.spearman(new double[] {2, 2, 2}, new double[] {1, 2, 3})), "a constant map has no rank correlation");
        assertEquals(-1.0, Similarity.spearman(new double[] {1, 2, 3}, new double[] {9, 4, 0}), 0.0);
        // too small for a 7 x 7 window or a 3 x 3 block of 8 x 8 cells
        double[] s = Similarity.compare(new double[] {1, 2, 3, 4, 5, 6}, new double[] {1, 2, 3, 4, 5, 7}, 2, 3);
        assertTrue(Double.isNaN(s[Similarity.Measure.SSIM.ordinal()]) && Double.isNaN(s[Similarity.Measure.HOG.ordinal()]));
    }
}
