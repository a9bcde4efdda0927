package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visualbackprop.cli.Charts;
import org.visualbackprop.evaluate.Randomization;
import org.visualbackprop.evaluate.Similarity;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** The evaluation runner on a small classifier and frames with a ground-truth square: every test, every output. */
class FaithfulnessTest {
    private static final Shape IN = new Shape(1, 1, 28, 28);
    private static final List<String> METHODS = List.of("vbp", "gradient", "smoothgrad", "random", "edge");
    private static Faithfulness.Report report;

    /** Frames with a bright square (the ground truth) on noise. */
    static Faithfulness.Frames squares(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor x = Tensor.zeros(IN.withBatch(n));
        List<Map<String, boolean[]>> truth = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int y0 = r.nextInt(18);
            int x0 = r.nextInt(18);
            boolean[] mask = new boolean[IN.plane()];
            for (int q = 0; q < IN.plane(); q++) {
                int y = q / 28;
                int xx = q % 28;
                mask[q] = y >= y0 && y < y0 + 8 && xx >= x0 && xx < x0 + 8;
                x.data()[i * IN.plane() + q] = mask[q] ? 0.9f : (float) (0.3 * r.nextDouble());
            }
            truth.add(Map.of("square", mask));
        }
        return new Faithfulness.Frames("squares", n + " squares", x, truth, "square");
    }

    @BeforeAll
    static void run() {
        Network net = PaperNets.small(IN, 3, true, 4);
        Faithfulness.Config c = Faithfulness.Config.quick().withMethods(METHODS).withSizes(new Faithfulness.Sizes(6, 2, 2, 1, 2, 2, 2));
        report = Faithfulness.run(net, "small", squares(6, 5), c, Faithfulness.Listener.quiet());
    }

    @Test
    void everyTestRanForEveryMethodAndTheControlsComeOutWhereTheyMust() {
        assertTrue(report.classifier());
        assertEquals(METHODS, List.copyOf(report.cascading().keySet()));
        Randomization.Result smooth = report.cascading().get("smoothgrad");
        assertEquals(1, smooth.scores().get("smoothgrad")[0].length, "SmoothGrad under randomization on its own (smaller) frame count");
        assertEquals(2, report.cascading().get("vbp").scores().get("vbp")[0].length);
        for (String control : Faithfulness.CONTROLS) {
            Randomization.Result r = report.cascading().get(control);
            for (int s = 0; s < r.steps().size(); s++) {
                assertEquals(1.0, r.mean(control, s, Similarity.Measure.SPEARMAN_ABS), 0.0, control + " at " + r.steps().get(s));
            }
            assertEquals(1.0, report.logit().mean(control, Similarity.Measure.SSIM), 0.0);
        }
        assertEquals(METHODS, List.copyOf(report.perturbation().keySet()));
        assertEquals(METHODS, List.copyOf(report.localisation().keySet()));
        Faithfulness.LocalisationScores random = report.localisation().get("random").get("square");
        assertEquals(64.0 / 784, random.areaShare(), 1e-12);
        assertEquals(6, random.frames());
        assertTrue(report.invariance().unchanged("vbp") && report.invariance().unchanged("edge"));
        assertEquals(Set.copyOf(METHODS), report.cost().methods().keySet());
        assertEquals(EnumSet.allOf(Faithfulness.Metric.class), report.seconds().keySet());
    }

    @Test
    void theCsvHasARowPerMethodMetricAndSettingAndTheSummaryMarksTheBest() {
        List<Faithfulness.Row> rows = Faithfulness.rows(report);
        Set<String> metrics = rows.stream().map(Faithfulness.Row::metric).collect(Collectors.toSet());
        assertEquals(Set.of("randomization-cascading", "randomization-independent", "random-logit", "perturbation", "localisation",
                "invariance", "cost"), metrics);
        for (String m : METHODS) {
            assertTrue(rows.stream().anyMatch(r -> r.method().equals(m) && r.metric().equals("perturbation") && r.setting().startsWith("abpc")), m);
        }
        // one row per method x metric x setting: no duplicates
        assertEquals(rows.size(), rows.stream().map(r -> r.method() + "|" + r.metric() + "|" + r.setting()).distinct().count());
        String md = Faithfulness.summary(report);
        assertTrue(md.contains("| vbp |") && md.contains("**") && md.contains("*random* (control)"), md);
        assertFalse(md.contains("Spearman |map| |"), "pipes inside a cell are escaped");
        for (Faithfulness.Column c : Faithfulness.columns(report)) {
            String best = Faithfulness.best(c);
            if (best != null) {
                assertFalse(Faithfulness.CONTROLS.contains(best));
                assertEquals(1, Faithfulness.rank(c, best), c.heading());
            }
        }
    }

    @Test
    void theFiguresRenderHeadless() {
        for (Randomization.Order o : Randomization.Order.values()) {
            BufferedImage chart = Charts.image(FaithfulnessFigures.randomizationChart(report, o, Similarity.Measure.SPEARMAN_ABS));
            assertTrue(chart.getWidth() > 100);
            BufferedImage grid = FaithfulnessFigures.randomizationGrid(report, o);
            assertTrue(grid.getWidth() > 100 && grid.getHeight() > 100);
        }
        assertTrue(Charts.image(FaithfulnessFigures.perturbationChart(report)).getHeight() > 100);
    }

    @Test
    void roadFramesCarryTheirLabelMasksLaneMarkingsFirst() {
        Faithfulness.Frames f = Faithfulness.roads(PaperNets.NETSVF_INPUT, 2, Faithfulness.HELD_OUT_SEED);
        assertEquals(2, f.size());
        assertEquals("lane markings", f.primary());
        assertTrue(f.truth().get(0).containsKey("lane markings"));
        assertEquals("lane markings", f.labels().get(0));
        assertEquals(Faithfulness.Sizes.from(100), new Faithfulness.Sizes(100, 20, 10, 2, 20, 20, 16));
    }
}
