package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.nets.PaperNets;

class TrainingFiguresTest {
    /** Far smaller than {@link TrainingFigures.Config#quick()}: the plumbing, not the learning. */
    private static final TrainingFigures.Config TINY = new TrainingFigures.Config(16, 8, 1, 8, 0.003, new double[] {1, 0, 0.5}, 2, 4, 3);

    private static TrainingFigures figures;

    @BeforeAll
    static void train() {
        figures = TrainingFigures.of(TINY);
    }

    @Test
    void quickSizeIsChosenByTheEnvironmentVariable() {
        assertEquals(TrainingFigures.Config.quick().trainFrames(), TrainingFigures.Config.fromEnvironment(Map.of("VBP_QUICK", "1")).trainFrames());
        assertEquals(TrainingFigures.Config.full().trainFrames(), TrainingFigures.Config.fromEnvironment(Map.of()).trainFrames());
        assertTrue(TrainingFigures.Config.full().trainFrames() * TrainingFigures.Config.full().epochs() >= 2000,
                "full size sees a few thousand frames per view");
    }

    @Test
    void invalidConfigsAreRejectedWithTheirValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingFigures.Config(16, 8, 1, 8, 0.003, new double[] {0}, 9, 4, 1));
        assertTrue(e.getMessage().contains("9 mask"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainingFigures.Config(16, 8, 1, 8, 0.003, new double[] {2}, 2, 4, 1));
        assertTrue(e.getMessage().contains("[0, 1]") && e.getMessage().contains("2.0"), e.getMessage());
    }

    @Test
    void bothViewsSeeTheSameScenes() {
        RoadScenes svf = TrainingFigures.validationScenes(RoadView.SVF, TINY);
        RoadScenes hvf = TrainingFigures.validationScenes(RoadView.HVF, TINY);
        for (int i = 0; i < svf.size(); i++) {
            assertEquals(svf.target(i), hvf.target(i), "scene " + i);
        }
        assertEquals(RoadView.HVF.inputShape(), hvf.inputShape());
        assertEquals(figures.run(RoadView.SVF).labelVariance(), figures.run(RoadView.HVF).labelVariance());
    }

    @Test
    void everyCheckpointHasAMaskPerFixedFrameInOrder() {
        for (RoadView v : RoadView.values()) {
            TrainingFigures.Run r = figures.run(v);
            assertEquals(PaperNets.small(v.inputShape(), 1, false, 1).parameterCount(), r.network().parameterCount());
            assertArrayEquals(new double[] {0, 0.5, 1}, r.checkpoints().stream().mapToDouble(TrainingFigures.Checkpoint::epochs).toArray());
            for (TrainingFigures.Checkpoint c : r.checkpoints()) {
                assertEquals(TINY.maskFrames(), c.masks().length);
                for (double[] m : c.masks()) {
                    assertEquals(v.height() * v.width(), m.length);
                    for (double x : m) {
                        assertTrue(x >= 0 && x <= 1, "mask value " + x);
                    }
                }
                assertTrue(c.validationMse() > 0 && Double.isFinite(c.validationMse()), "validation MSE " + c.validationMse());
                assertTrue(c.laneArea() > 0 && c.laneArea() < 0.2, "lane area " + c.laneArea());
                assertTrue(c.laneMass() >= 0 && c.laneMass() <= 1, "lane mass " + c.laneMass());
            }
            assertEquals(1, r.epochs().size());
            assertEquals(2, r.batchLosses().size(), "16 frames in batches of 8");
            assertTrue(r.relativeMse() > 0, "relative MSE " + r.relativeMse());
        }
    }

    @Test
    void untrainedMasksAreTheSameForTheSameSeed() {
        TrainingFigures.Run again = TrainingFigures.train(RoadView.HVF, TINY);
        assertArrayEquals(figures.run(RoadView.HVF).checkpoints().get(0).masks()[1], again.checkpoints().get(0).masks()[1]);
    }

    @Test
    void figuresAreRenderedHeadless() {
        BufferedImage svf = figures.figure7(RoadView.SVF);
        assertEquals(4 + TINY.maskFrames() * (640 + 4), svf.getWidth());
        int rows = 1 + 3 + 1;
        assertTrue(svf.getHeight() >= rows * (125 + 14), "a row of inputs, one per checkpoint, the overlays: " + svf.getHeight());
        BufferedImage hvf = figures.figure7(RoadView.HVF);
        assertEquals(4 + TINY.maskFrames() * (349 + 4), hvf.getWidth());
        BufferedImage chart = BitmapEncoder.getBufferedImage(figures.lossChart());
        assertEquals(900, chart.getWidth());
        assertEquals(5, figures.lossChart().getSeriesMap().size(), "batches and validation per view, and the label variance");
        String table = figures.table();
        assertTrue(table.contains("NetSVF view") && table.contains("NetHVF view") && table.contains("label variance"), table);
        assertEquals(3, table.lines().filter(l -> l.matches("^(0|0\\.5|1) +\\|.*")).count(), table);
    }
}
