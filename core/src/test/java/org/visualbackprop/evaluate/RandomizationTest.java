package org.visualbackprop.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.explain.Explainer;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.TestData;

/** Model-parameter randomization and random logits on small nets, against what the methods' definitions imply. */
class RandomizationTest {
    static final Shape IN = new Shape(1, 1, 30, 40);

    /** A small net of the paper's pattern whose BatchNorm statistics and output layer are not at their initial values. */
    static Network net(int outputs, boolean classifier, long seed) {
        Network net = PaperNets.small(IN, outputs, classifier, seed);
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (var l : net.layers()) {
            if (l instanceof BatchNorm2d bn) {
                bn.runningMean().copyFromInPlace(Tensor.uniform(bn.runningMean().shape(), -0.1f, 0.1f, r));
                bn.runningVar().copyFromInPlace(Tensor.uniform(bn.runningVar().shape(), 0.5f, 1.5f, r));
                bn.gamma().value().copyFromInPlace(Tensor.uniform(bn.gamma().value().shape(), 0.8f, 1.2f, r));
            }
            if (l instanceof Conv2d c && c.bias() != null) {
                c.bias().value().copyFromInPlace(Tensor.uniform(c.bias().value().shape(), 0f, 0.1f, r));
            }
        }
        Dense head = (Dense) net.layer(Randomization.layers(net).get(0));
        head.weight().value().copyFromInPlace(Tensor.uniform(head.weight().value().shape(), -0.5f, 0.5f, r));
        return net;
    }

    static List<Explainer> explainers(Network net, String... names) {
        return java.util.Arrays.stream(names).map(n -> Explainer.of(n, net)).toList();
    }

    @Test
    void theLayersAreWalkedFromTheOutputDownAndReinitializedWithTheNetsInitializer() {
        Network net = net(1, false, 1);
        List<Integer> layers = Randomization.layers(net);
        assertEquals(List.of("fc2", "fc1", "conv6", "conv5", "conv4", "conv3", "conv2", "conv1"), layers.stream().map(net::name).toList());
        Network copy = net.copy();
        int conv2 = layers.get(6);
        Randomization.reinitialize(copy, conv2, 7);
        Conv2d c = (Conv2d) copy.layer(conv2);
        double bound = Math.sqrt(6.0 / (c.inChannels() * 9));
        double largest = 0;
        for (float v : c.weight().value().data()) {
            assertTrue(Math.abs(v) <= bound, "He-uniform bound " + bound + ", got " + v);
            largest = Math.max(largest, Math.abs(v));
        }
        assertTrue(largest > 0.8 * bound, "drawn over the whole range");
        assertEquals(0.0, c.bias().value().sum(), 0.0);
        BatchNorm2d bn = (BatchNorm2d) copy.layer(conv2 - 1);
        assertEquals(bn.channels(), bn.gamma().value().sum(), 0.0);
        assertEquals(bn.channels(), bn.runningVar().sum(), 0.0);
        assertEquals(0.0, bn.runningMean().sum(), 0.0);
        // the original is untouched, and the same seed draws the same weights
        assertNotEquals(((Conv2d) net.layer(conv2)).weight().value().data()[0], c.weight().value().data()[0]);
        Network again = net.copy();
        Randomization.reinitialize(again, conv2, 7);
        assertEquals(0f, ((Conv2d) again.layer(conv2)).weight().value().maxAbsDiff(c.weight().value()));
    }

    @Test
    void theControlsAreExactlyAsSimilarAsThemselvesAtEveryLayer() {
        Network net = net(1, false, 2);
        Tensor x = TestData.uniform(IN.withBatch(5), new SplittableRandom(3));
        for (Randomization.Order order : Randomization.Order.values()) {
            Randomization.Result r = Randomization.run(net, explainers(net, "edge", "random"), x, order, 99, 11, 2, 1, null);
            assertEquals(9, r.steps().size(), "none + eight layers");
            for (String m : List.of("edge", "random")) {
                for (int step = 0; step < r.steps().size(); step++) {
                    for (double[] frame : r.scores().get(m)[step]) {
                        for (Similarity.Measure s : Similarity.Measure.values()) {
                            assertEquals(1.0, frame[s.ordinal()], 0.0, m + " " + order + " step " + r.steps().get(step) + " " + s);
                        }
                    }
                }
            }
            assertEquals(9, r.examples().get("edge").size());
            assertEquals(1, r.examples().get("edge").get(3).size());
        }
    }

    @Test
    void visualBackPropIgnoresTheDenseLayersAndFollowsTheConvolutions() {
        // VisualBackProp reads the conv layers' ReLU outputs only: randomizing the dense layers (the first two cascading
        // steps) leaves its maps exactly as they were; randomizing a convolution changes them. The gradient reads every layer.
        Network net = net(1, false, 4);
        Tensor x = TestData.uniform(IN.withBatch(4), new SplittableRandom(5));
        Randomization.Result r = Randomization.run(net, explainers(net, "vbp", "gradient"), x, Randomization.Order.CASCADING, 99, 13, 4, 0, null);
        for (int step = 0; step <= 2; step++) {
            assertEquals(1.0, r.mean("vbp", step, Similarity.Measure.SPEARMAN), 0.0, "vbp after " + r.steps().get(step));
        }
        assertTrue(r.mean("vbp", 3, Similarity.Measure.SPEARMAN) < 0.999, "vbp after conv6: " + r.mean("vbp", 3, Similarity.Measure.SPEARMAN));
        assertTrue(r.mean("gradient", 1, Similarity.Measure.SPEARMAN_ABS) < 0.999, "gradient after fc2");
        assertTrue(r.mean("gradient", 8, Similarity.Measure.SPEARMAN_ABS) < 0.9, "gradient of a fully random net: "
                + r.mean("gradient", 8, Similarity.Measure.SPEARMAN_ABS));
        // independent: randomizing only fc1 leaves vbp alone as well
        Randomization.Result ind = Randomization.run(net, explainers(net, "vbp"), x, Randomization.Order.INDEPENDENT, 3, 13, 4, 0, null);
        assertEquals(List.of("none", "fc2", "fc1", "conv6"), ind.steps());
        assertEquals(1.0, ind.mean("vbp", 2, Similarity.Measure.SSIM), 0.0);
        assertTrue(ind.mean("vbp", 3, Similarity.Measure.SSIM) < 0.999);
    }

    @Test
    void randomLogitsLeaveTheControlsAndVisualBackPropAloneAndMoveTheGradient() {
        Network net = net(5, true, 6);
        Tensor x = TestData.uniform(IN.withBatch(6), new SplittableRandom(7));
        Randomization.LogitResult r = Randomization.randomLogit(net, explainers(net, "edge", "vbp", "gradient"), x, 3, 4, null);
        for (int f = 0; f < 6; f++) {
            assertNotEquals(r.predicted()[f], r.drawn()[f], "another class than the predicted one");
            assertTrue(r.drawn()[f] >= 0 && r.drawn()[f] < 5);
        }
        // VisualBackProp never reads the output layer: its map is the same for every class
        assertEquals(1.0, r.mean("vbp", Similarity.Measure.SPEARMAN), 0.0);
        assertEquals(1.0, r.mean("edge", Similarity.Measure.HOG), 0.0);
        assertTrue(r.mean("gradient", Similarity.Measure.SPEARMAN) < 0.99, "gradient: " + r.mean("gradient", Similarity.Measure.SPEARMAN));
    }

    @Test
    void theNetworkGivenIsLeftAsItWas() {
        Network net = net(1, false, 8);
        Tensor x = TestData.uniform(IN.withBatch(2), new SplittableRandom(9));
        Tensor before = net.forward(x, Mode.EVAL);
        Randomization.run(net, explainers(net, "gradient"), x, Randomization.Order.CASCADING, 99, 1, 2, 0, null);
        assertEquals(0f, before.maxAbsDiff(net.forward(x, Mode.EVAL)));
    }
}
