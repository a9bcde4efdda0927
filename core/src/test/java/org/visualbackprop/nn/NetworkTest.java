package org.visualbackprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.RandomNets;
import org.visualbackprop.testing.TestData;

/**
 * The network as a whole: layer names, inputs it refuses (with messages that give what it expects and what it got,
 * never an index error from deep inside), and reuse of its buffers across batch sizes.
 */
class NetworkTest {

    private static Network smallClassifier(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return Network.of(new Shape(1, 3, 12, 10),
                RandomNets.batchNorm(3, r), Conv2d.of(3, 4, Window.of(3, 1, 0), r), ReLU.of(),
                MaxPool2d.of(Window.of(2, 2, 0)), Flatten.of(), Dense.of(4 * 5 * 4, 6, r), Tanh.of(),
                Dropout.of(0.2f, 3), Dense.of(6, 3, r), LogSoftmax.of());
    }

    @Test
    void layersAreNamedByKindAndCount() {
        Network net = smallClassifier(1);
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            names.add(net.name(i));
        }
        assertEquals(List.of("bn1", "conv1", "relu1", "pool1", "flatten1", "fc1", "tanh1", "dropout1", "fc2", "logsoftmax1"), names);
        assertEquals(1, net.indexOf(Conv2d.class, 0));
        assertEquals(-1, net.indexOf(Conv2d.class, 2));
    }

    @Test
    void aWrongChannelCountNamesExpectedAndActual() {
        Network net = PaperNets.signNet(1);
        ShapeException e = assertThrows(ShapeException.class, () -> net.forward(Tensor.zeros(new Shape(1, 1, 125, 125)), Mode.EVAL));
        assertTrue(e.getMessage().contains("3 input channels") && e.getMessage().contains("got 1")
                && e.getMessage().contains("[1, 1, 125, 125]"), e.getMessage());
    }

    @Test
    void aWrongSizeNamesExpectedAndActual() {
        Network net = PaperNets.netSvf(1);
        ShapeException e = assertThrows(ShapeException.class, () -> net.predict(Tensor.zeros(new Shape(2, 1, 135, 640))));
        assertTrue(e.getMessage().contains("125 x 640") && e.getMessage().contains("135 x 640"), e.getMessage());
    }

    @Test
    void aFeatureVectorInsteadOfAnImageIsRefused() {
        Network net = smallClassifier(1);
        ShapeException e = assertThrows(ShapeException.class, () -> net.forward(Tensor.zeros(Shape.vector(1, 360)), Mode.EVAL));
        assertTrue(e.getMessage().contains("[1, 360, 1, 1]") && e.getMessage().contains("3 x 12 x 10"), e.getMessage());
        ShapeException rank = assertThrows(ShapeException.class, () -> new Shape(1, 0, 12, 10));
        assertTrue(rank.getMessage().contains("[1, 0, 12, 10]"), rank.getMessage());
    }

    @Test
    void nanOrInfinityInTheInputIsRefusedWithItsPosition() {
        Network net = smallClassifier(1);
        Tensor x = Tensor.zeros(new Shape(2, 3, 12, 10));
        x.set(1, 2, 3, 4, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.forward(x, Mode.EVAL));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("[1, 2, 3, 4]"), e.getMessage());
        x.set(1, 2, 3, 4, Float.NEGATIVE_INFINITY);
        e = assertThrows(IllegalArgumentException.class, () -> net.checkInput(x));
        assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.trace(x, Mode.TRAIN));
    }

    @Test
    void layersThatDoNotFitTogetherAreRefusedNamingTheLayer() {
        SplittableRandom r = new SplittableRandom(2);
        ShapeException e = assertThrows(ShapeException.class, () -> Network.of(new Shape(1, 1, 8, 8),
                Conv2d.of(1, 4, Window.of(3, 1, 0), r), ReLU.of(), Conv2d.of(3, 2, Window.of(3, 1, 0), r)));
        assertTrue(e.getMessage().contains("conv2") && e.getMessage().contains("3 input channels") && e.getMessage().contains("got 4"),
                e.getMessage());
        ShapeException small = assertThrows(ShapeException.class, () -> Network.of(new Shape(1, 1, 2, 8),
                Conv2d.of(1, 4, Window.of(3, 1, 0), r)));
        assertTrue(small.getMessage().contains("3x3") && small.getMessage().contains("2 x 8"), small.getMessage());
        ShapeException dense = assertThrows(ShapeException.class, () -> Network.of(new Shape(1, 1, 2, 8), Dense.of(16, 2, r)));
        assertTrue(dense.getMessage().contains("Flatten"), dense.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Network.of(new Shape(1, 1, 2, 8), List.of()));
    }

    @Test
    void backwardRefusesAForeignTraceOrAGradientOfAnotherShape() {
        Network a = smallClassifier(1);
        Network b = smallClassifier(1);
        Tensor x = TestData.uniform(new Shape(2, 3, 12, 10), new SplittableRandom(3));
        Trace t = a.trace(x, Mode.TRAIN);
        assertThrows(IllegalArgumentException.class, () -> b.backward(t, Tensor.zeros(Shape.vector(2, 3)), true, true));
        ShapeException e = assertThrows(ShapeException.class, () -> a.backward(t, Tensor.zeros(Shape.vector(2, 4)), true, true));
        assertTrue(e.getMessage().contains("[2, 3, 1, 1]") && e.getMessage().contains("[2, 4, 1, 1]"), e.getMessage());
    }

    @Test
    void buffersReusedAcrossBatchSizesGiveTheSameResultsAsAFreshNetwork() {
        SplittableRandom r = new SplittableRandom(4);
        Tensor x3 = TestData.uniform(new Shape(3, 3, 12, 10), r);
        Tensor x2 = TestData.uniform(new Shape(2, 3, 12, 10), r);
        Tensor g3 = TestData.uniform(Shape.vector(3, 3), r);
        Tensor g2 = TestData.uniform(Shape.vector(2, 3), r);
        Network used = smallClassifier(5);
        used.forward(x3, Mode.EVAL);
        used.backward(used.trace(x3, Mode.EVAL), g3, false, true);
        Network fresh = smallClassifier(5);
        NumericAssert.assertBitIdentical(fresh.forward(x2, Mode.EVAL).data(), used.forward(x2, Mode.EVAL).data(), "forward, batch 2 after 3");
        Tensor dFresh = fresh.backward(fresh.trace(x2, Mode.EVAL), g2, false, true);
        Tensor dUsed = used.backward(used.trace(x2, Mode.EVAL), g2, false, true);
        NumericAssert.assertBitIdentical(dFresh.data(), dUsed.data(), "input gradient, batch 2 after 3");
        Trace reused = used.trace(x3, Mode.EVAL);
        Trace again = used.trace(x2, Mode.EVAL, reused);
        NumericAssert.assertBitIdentical(fresh.forward(x2, Mode.EVAL).data(), again.result().data(), "trace reuse with another batch size");
        assertEquals(new Shape(2, 3, 12, 10), again.input().shape());
    }

    @Test
    void aTracedPassRecordsWhatTheLayersComputeOneByOne() {
        // the trace fuses each conv with its ReLU; every recorded output must equal the layers run one after the other,
        // in every mode and with or without channel means
        Network net = org.visualbackprop.nets.PaperNets.small(new org.visualbackprop.tensor.Shape(1, 1, 30, 110), 1, false, 3);
        Tensor x = Tensor.uniform(net.inputShape().withBatch(3), 0f, 1f, new java.util.SplittableRandom(4));
        for (Mode mode : Mode.values()) {
            Trace t = net.trace(x, mode);
            Trace withMeans = net.trace(x, mode, null, net.indexOf(ReLU.class, 0), net.indexOf(ReLU.class, 3));
            Tensor in = x;
            for (int i = 0; i < net.size(); i++) {
                Tensor out = Tensor.zeros(net.layer(i).outputShape(in.shape()));
                net.layer(i).forward(in, out, mode);
                NumericAssert.assertBitIdentical(out.data(), t.output(i).data(), mode + " layer " + net.name(i));
                NumericAssert.assertBitIdentical(out.data(), withMeans.output(i).data(), mode + " layer " + net.name(i) + " (with means)");
                in = out;
            }
        }
    }

    /**
     * {@link Network#forward} applies a BatchNorm in evaluation mode while the next convolution splits its input
     * (stride or padding) instead of writing the BatchNorm's output: its result must equal the layers run one after
     * the other bit for bit, in every mode, with and without a ReLU after the convolution, on planes whose size leaves a
     * tail after the vector loops (where the BatchNorm rounds twice instead of once).
     */
    @Test
    void forwardWithBatchNormFusedIntoTheNextConvolutionEqualsTheLayersOneByOne() {
        SplittableRandom r = new SplittableRandom(8);
        Network strided = PaperNets.small(new Shape(1, 1, 30, 111), 1, false, 3);
        Network padded = Network.of(new Shape(1, 2, 19, 37), BatchNorm2d.of(2), Conv2d.of(2, 3, Window.of(3, 1, 1), r), ReLU.of(),
                BatchNorm2d.of(3), Conv2d.of(3, 4, Window.of(3, 2, 1), r));
        for (Network net : List.of(strided, padded)) {
            Tensor x = Tensor.uniform(net.inputShape().withBatch(3), -1f, 2f, new SplittableRandom(4));
            for (int i = 0; i < 3; i++) {
                net.trace(Tensor.uniform(net.inputShape().withBatch(4), 0f, 3f, r), Mode.TRAIN); // running statistics away from 0 and 1
            }
            for (Mode mode : Mode.values()) {
                Tensor in = x;
                for (int i = 0; i < net.size(); i++) {
                    Tensor out = Tensor.zeros(net.layer(i).outputShape(in.shape()));
                    net.layer(i).forward(in, out, mode);
                    in = out;
                }
                NumericAssert.assertBitIdentical(in.data(), net.forward(x, mode).data(), mode + " forward of " + net.inputShape());
                NumericAssert.assertBitIdentical(in.data(), net.forward(x, mode).data(), mode + " forward again (reused buffers)");
            }
        }
    }

    @Test
    void aCopyPredictsTheSameAndOwnsItsTensors() {
        Network net = smallClassifier(7);
        Tensor x = TestData.uniform(new Shape(2, 3, 12, 10), new SplittableRandom(8));
        Network copy = net.copy();
        NumericAssert.assertBitIdentical(net.predict(x).data(), copy.predict(x).data(), "copy");
        for (int i = 0; i < net.size(); i++) {
            assertTrue(net.layer(i) != copy.layer(i), "layer " + i + " is a new object");
            assertEquals(net.layer(i).toString(), copy.layer(i).toString());
        }
        ((Conv2d) copy.layer(1)).weight().value().fillInPlace(0f);
        ((BatchNorm2d) copy.layer(0)).runningMean().fillInPlace(5f);
        assertTrue(net.predict(x).maxAbsDiff(copy.predict(x)) > 0);
        assertTrue(((Conv2d) net.layer(1)).weight().value().maxAbsDiff(Tensor.zeros(new Shape(4, 3, 3, 3))) > 0, "the original is untouched");
        // a replaced layer
        Network replaced = net.copy(i -> i == 6 ? ReLU.of() : null);
        assertEquals("ReLU", replaced.layer(6).kind());
    }

    @Test
    void backwardBetweenLayersIsThePartOfTheFullBackwardPass() {
        Network net = smallClassifier(9);
        Tensor x = TestData.uniform(new Shape(2, 3, 12, 10), new SplittableRandom(10));
        Trace t = net.trace(x, Mode.EVAL);
        Tensor seed = TestData.uniform(t.output(8).shape(), new SplittableRandom(11));
        Tensor full = net.backwardFrom(t, 8, seed, false, true);
        NumericAssert.assertBitIdentical(full.data(), net.backwardBetween(t, 8, seed, 0, null).data(), "down to the input");
        // down to the input of fc1 (layer 5), then the rest by hand: the same as the full pass
        Tensor mid = net.backwardBetween(t, 8, seed, 5, null);
        assertEquals(t.output(4).shape(), mid.shape());
        Tensor rest = net.backwardBetween(t, 4, mid, 0, null);
        NumericAssert.assertBitIdentical(full.data(), rest.data(), "in two parts");
        // a rule that takes over the ReLU: here, passing the gradient unchanged
        Tensor through = net.backwardBetween(t, 8, seed, 0, (i, l, in, out, g, gin) -> {
            if (!(l instanceof ReLU)) {
                return false;
            }
            gin.copyFromInPlace(g);
            return true;
        });
        assertTrue(through.maxAbsDiff(full) > 0);
        assertThrows(IllegalArgumentException.class, () -> net.backwardBetween(t, 4, mid, 5, null));
    }
}
