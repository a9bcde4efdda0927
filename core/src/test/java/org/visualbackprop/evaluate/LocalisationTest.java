package org.visualbackprop.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.explain.Target;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Localisation scores on hand-worked maps and on the random control. */
class LocalisationTest {

    @Test
    void aMapEqualToTheMaskScoresOneEverywhere() {
        SplittableRandom r = new SplittableRandom(1);
        boolean[] mask = new boolean[20 * 30];
        double[] map = new double[mask.length];
        for (int p = 0; p < mask.length; p++) {
            mask[p] = r.nextDouble() < 0.2;
            map[p] = mask[p] ? 1 : 0;
        }
        Localisation.Scores s = Localisation.of(map, Localisation.Region.of(mask, 20, 30, 15));
        assertEquals(1.0, s.massAccuracy(), 0.0);
        assertEquals(1.0, s.rankAccuracy(), 0.0);
        assertEquals(1.0, s.hit(), 0.0);
        assertEquals(1.0, s.hitTolerant(), 0.0);
    }

    @Test
    void aHandWorkedMap() {
        // 3 x 4 picture, mask = the two left columns of the top row and (1, 0):
        //   map  4  -1   0  2        mask  x  x  .  .
        //        3   0   5  0              x  .  .  .
        //        0   1   0  0              .  .  .  .
        // positive mass 15, inside 4 + 3 = 7 -> 7/15. K = 3: the three largest are 5, 4, 3 -> two inside -> 2/3.
        // the maximum 5 at (1, 2) is outside; its distance to the mask is 2 (to (0, 1)? sqrt(1 + 1) = 1.41): tolerance 1 misses,
        // tolerance 1.5 hits
        double[] map = {4, -1, 0, 2, 3, 0, 5, 0, 0, 1, 0, 0};
        boolean[] mask = {true, true, false, false, true, false, false, false, false, false, false, false};
        Localisation.Scores tight = Localisation.of(map, Localisation.Region.of(mask, 3, 4, 1));
        assertEquals(7.0 / 15, tight.massAccuracy(), 1e-12);
        assertEquals(2.0 / 3, tight.rankAccuracy(), 1e-12);
        assertEquals(0.0, tight.hit(), 0.0);
        assertEquals(0.0, tight.hitTolerant(), 0.0);
        assertEquals(3.0 / 12, tight.areaShare(), 1e-12);
        assertEquals(1.0, Localisation.of(map, Localisation.Region.of(mask, 3, 4, 1.5)).hitTolerant(), 0.0);
        // a flat map: every pixel ties, so each score is the expectation over breaking the ties: the area share
        Localisation.Scores flat = Localisation.of(new double[12], Localisation.Region.of(mask, 3, 4, 0));
        assertEquals(0.25, flat.rankAccuracy(), 1e-12);
        assertEquals(0.25, flat.hit(), 1e-12);
        assertEquals(Double.NaN, flat.massAccuracy(), "no positive mass");
        assertThrows(IllegalArgumentException.class, () -> Localisation.Region.of(new boolean[12], 3, 4, 1));
    }

    @Test
    void theRandomControlScoresTheMasksAreaShareWithinSamplingError() {
        int frames = 300;
        Shape in = new Shape(1, 1, 24, 32);
        Network any = Network.of(in, Flatten.of(), Dense.of(in.sampleSize(), 1, new SplittableRandom(1)));
        Tensor x = Tensor.zeros(in.withBatch(frames));
        SplittableRandom r = new SplittableRandom(2);
        for (int q = 0; q < x.data().length; q++) {
            x.data()[q] = (float) r.nextDouble();
        }
        // a rectangle covering 30% of the picture, and 40 isolated pixels far from it for the tolerance
        boolean[] mask = new boolean[in.plane()];
        for (int y = 0; y < 24; y++) {
            for (int xx = 0; xx < 32; xx++) {
                mask[y * 32 + xx] = xx < 10 && y < 23;
            }
        }
        Localisation.Region region = Localisation.Region.of(mask, 24, 32, 0);
        double share = region.areaShare();
        double mass = 0;
        double rank = 0;
        double hit = 0;
        for (int b0 = 0; b0 < frames; b0 += 50) {
            Attribution a = Explainer.of("random", any, Explainer.Options.defaults().withSeed(b0)).explain(x.slice(b0, 50), Target.predicted());
            for (int i = 0; i < 50; i++) {
                Localisation.Scores s = Localisation.of(a.map(i), region);
                mass += s.massAccuracy() / frames;
                rank += s.rankAccuracy() / frames;
                hit += s.hit() / frames;
            }
        }
        int pixels = in.plane();
        // per frame, mass and rank accuracy average many pixels: their standard errors over 300 frames are tiny
        assertEquals(share, mass, 4 * Math.sqrt(share * (1 - share) / pixels / frames) + 0.01, "mass accuracy");
        assertEquals(share, rank, 4 * Math.sqrt(share * (1 - share) / region.size() / frames) + 0.01, "rank accuracy");
        // the pointing game is one Bernoulli trial per frame
        assertEquals(share, hit, 4 * Math.sqrt(share * (1 - share) / frames), "pointing game");
    }
}
