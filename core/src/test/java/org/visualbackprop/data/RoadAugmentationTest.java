package org.visualbackprop.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.train.Augmentation;
import org.visualbackprop.train.Augmentations;
import org.visualbackprop.train.Batch;
import org.visualbackprop.train.Datasets;

/**
 * The road augmentations are honest only if the generator agrees with them: a horizontally flipped frame must show
 * the mirrored scene and carry its label (the negated one), and a shifted camera must carry the label the generator
 * computes for the moved scene.
 */
class RoadAugmentationTest {
    @Test
    void theMirroredScenesLabelIsExactlyTheNegatedOne() {
        for (SceneKind kind : SceneKind.values()) {
            for (int i = 0; i < 50; i++) {
                RoadScene s = RoadScenes.generate(31, i, kind);
                assertEquals(-s.steeringDegrees(), s.mirrored().steeringDegrees(), 1e-12, kind + " scene " + i);
                assertEquals(s, s.mirrored().mirrored(), "mirroring twice gives the scene back");
            }
        }
    }

    @Test
    void aFlippedFrameShowsTheMirroredScenesMarkingsAndTheFlipNegatesItsLabel() {
        RoadScenes data = RoadScenes.of(8, 12, RoadView.SVF);
        int w = RoadView.SVF.width();
        int h = RoadView.SVF.height();
        Augmentation flip = Augmentations.flip(true);
        for (int i = 0; i < data.size(); i++) {
            RoadFrame frame = data.frame(i);
            RoadFrame mirror = RoadScenes.render(frame.scene().mirrored(), RoadView.SVF);
            // the lane-marking labels are geometry only (no noise field decides them): the flipped map must equal the
            // mirrored scene's pixel for pixel
            int lane = 0;
            int laneAgree = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean a = frame.label(y, w - 1 - x) == Label.LANE_MARKING;
                    boolean b = mirror.label(y, x) == Label.LANE_MARKING;
                    lane += a || b ? 1 : 0;
                    laneAgree += a && b ? 1 : 0;
                }
            }
            assertTrue(lane > 0 && laneAgree == lane, "frame " + i + ": lane-marking pixels of the flipped frame and of the "
                    + "mirrored scene overlap in " + laneAgree + " of " + lane);
            // the flip augmentation applied to this frame (with the first seed that flips it) negates the generator's label
            Batch b = null;
            float[] image = null;
            float before = 0;
            for (long seed = 0; b == null || java.util.Arrays.equals(b.inputs().data(), image); seed++) {
                b = Datasets.batch(data, new int[] {i});
                image = b.inputs().data().clone();
                before = b.targets().data()[0];
                flip.apply(b, new int[] {i}, data, new SplittableRandom(seed));
            }
            assertEquals(-before, b.targets().data()[0], 0f, "frame " + i);
            assertEquals((float) (mirror.steeringDegrees() / RoadScenes.NORMALIZING_DEGREES), b.targets().data()[0], 1e-6f,
                    "frame " + i + ": the flipped target is the mirrored scene's label");
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(image[y * w + w - 1 - x], b.inputs().data()[y * w + x], 0f);
                }
            }
        }
    }

    @Test
    void movingTheCameraRightMakesTheCarSteerLeft() {
        RoadScene s = RoadScenesTest.calmScene();
        assertEquals(0, s.steeringDegrees(), 1e-9);
        // positive = steer left: a camera right of the lane centre must steer back to the left
        assertTrue(s.shiftedCamera(0.5).steeringDegrees() > 0);
        assertTrue(s.shiftedCamera(-0.5).steeringDegrees() < 0);
        assertEquals(-s.shiftedCamera(0.5).steeringDegrees(), s.shiftedCamera(-0.5).steeringDegrees(), 1e-12);
    }

    @Test
    void theRenderedShiftCarriesTheGeneratorsLabelForTheMovedCamera() {
        RoadScenes data = RoadScenes.of(9, 6, RoadView.HVF);
        int[] idx = {0, 3, 5};
        Batch b = Datasets.batch(data, idx);
        RoadScenes.lateralShift(0.6).apply(b, idx, data, new SplittableRandom(77));
        SplittableRandom same = new SplittableRandom(77);
        Shape one = RoadView.HVF.inputShape();
        for (int i = 0; i < idx.length; i++) {
            double metres = 0.6 * (2 * same.nextDouble() - 1);
            assertTrue(Math.abs(metres) <= 0.6);
            RoadFrame moved = RoadScenes.render(data.scene(idx[i]).shiftedCamera(metres), RoadView.HVF);
            assertEquals((float) (moved.steeringDegrees() / RoadScenes.NORMALIZING_DEGREES), b.targets().data()[i], 0f);
            float[] got = java.util.Arrays.copyOfRange(b.inputs().data(), i * one.size(), (i + 1) * one.size());
            assertArrayEquals(moved.image().data(), got, "sample " + i + " is the moved scene's frame");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RoadScenes.lateralShift(0.5)
                .apply(b, idx, Datasets.of(Tensor.zeros(one.withBatch(6)), Tensor.zeros(new Shape(6, 1, 1, 1)), "zeros"), new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("zeros"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RoadScenes.lateralShift(-1));
    }
}
