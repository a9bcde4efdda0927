package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.Tolerances;

/**
 * Training end to end on a tiny synthetic task: find the horizontal position of a bright vertical bar in a noisy
 * 1 x 16 x 32 image (sub-pixel positions, so no held-out position was seen in training). A small conv net trained
 * with SGD must reach a low error on held-out images; the same seed must give the same run (checked on a paper-style
 * net with BatchNorm); bad settings and diverging training must fail with messages that say what went wrong.
 */
class TrainerTest {
    static final Shape IMAGE = new Shape(1, 1, 16, 32);
    /**
     * Held-out RMSE to reach, as a fraction of the range of positions: predicting the mean scores about 0.29, this
     * net about 0.03 (a linear model, which fits this task well, about 0.01).
     */
    static final double HELD_OUT_RMSE = 0.06;

    /** {@code count} images of a 2-pixel-wide bar at a uniform sub-pixel position; target = position / (width - 1). */
    static Dataset bars(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int h = IMAGE.h();
        int w = IMAGE.w();
        Tensor x = Tensor.zeros(IMAGE.withBatch(count));
        Tensor y = Tensor.zeros(Shape.vector(count, 1));
        for (int i = 0; i < count; i++) {
            double pos = r.nextDouble() * (w - 2);
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    // a bar covering [pos, pos + 2): each column gets the part of it that it holds
                    double cover = Math.max(0, Math.min(col + 1, pos + 2) - Math.max(col, pos));
                    x.set(i, 0, row, col, (float) (0.1 * r.nextDouble() + 0.8 * cover));
                }
            }
            y.data()[i] = (float) (pos / (w - 2));
        }
        return Datasets.of(x, y, "bars(" + count + ", seed " + seed + ")");
    }

    /** The paper's pattern, small: BatchNorm, conv and ReLU blocks with strides 1, 2, 1, 2, then two FC layers. */
    static Network freshNet() {
        return PaperNets.small(IMAGE, 1, false, 5);
    }

    /** Two conv + ReLU + max pooling stages and two FC layers: learns this task steadily. */
    static Network poolingNet(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return Network.of(IMAGE,
                Conv2d.of(1, 8, Window.of(3, 1, 1), r), ReLU.of(), MaxPool2d.of(Window.of(2, 2, 0)),
                Conv2d.of(8, 16, Window.of(3, 1, 1), r), ReLU.of(), MaxPool2d.of(Window.of(2, 2, 0)),
                Flatten.of(), Dense.of(16 * 4 * 8, 32, r), ReLU.of(), Dense.of(32, 1, r));
    }

    @Test
    void aSmallConvNetLearnsToLocateABarOnHeldOutImages() {
        Network net = poolingNet(4);
        Dataset train = bars(320, 1);
        Dataset heldOut = bars(100, 2);
        Trainer.Evaluation before = Trainer.evaluate(net, Loss.mse(), heldOut, 50);
        Trainer.Result result = new Trainer(net, Loss.mse(), Sgd.of(0.01, 0.9, 1e-4), Trainer.Config.of(10, 16, 4))
                .fit(train, heldOut, null);
        Trainer.Evaluation after = Trainer.evaluate(net, Loss.mse(), heldOut, 50);

        assertEquals(10, result.epochs().size());
        assertTrue(result.last().trainLoss() < result.epochs().get(0).trainLoss() / 4,
                "training loss fell from " + result.epochs().get(0).trainLoss() + " to only " + result.last().trainLoss());
        assertTrue(after.loss() < before.loss() / 10, "held-out MSE " + before.loss() + " -> " + after.loss());
        assertEquals("rmse", after.metricName());
        assertEquals(Math.sqrt(after.loss()), after.metric(), Tolerances.F64, "RMSE is the root of the MSE");
        assertTrue(after.metric() < HELD_OUT_RMSE, "held-out RMSE " + after.metric() + " (needs < " + HELD_OUT_RMSE + ")");
        assertEquals(after.loss(), result.last().validationLoss(), Tolerances.F64, "the last epoch's report validates on the same set");
    }

    @Test
    void theSameSeedGivesTheSameRunBitForBit() {
        Dataset train = bars(96, 3);
        Network a = freshNet();
        Network b = freshNet();
        Trainer.Result ra = new Trainer(a, Loss.mse(), Sgd.of(0.02, 0.9, 1e-4), Trainer.Config.of(2, 16, 7)).fit(train, null, null);
        Trainer.Result rb = new Trainer(b, Loss.mse(), Sgd.of(0.02, 0.9, 1e-4), Trainer.Config.of(2, 16, 7)).fit(train, null, null);
        for (int e = 0; e < 2; e++) {
            assertEquals(Double.doubleToLongBits(ra.epochs().get(e).trainLoss()), Double.doubleToLongBits(rb.epochs().get(e).trainLoss()));
        }
        List<Parameter> pa = a.parameters();
        List<Parameter> pb = b.parameters();
        for (int i = 0; i < pa.size(); i++) {
            assertArrayEquals(pa.get(i).value().data(), pb.get(i).value().data(), "parameter " + i);
        }
        // another shuffling seed takes another path
        Network c = freshNet();
        Trainer.Result rc = new Trainer(c, Loss.mse(), Sgd.of(0.02, 0.9, 1e-4), Trainer.Config.of(2, 16, 8)).fit(train, null, null);
        assertTrue(rc.last().trainLoss() != ra.last().trainLoss(), "shuffling seeds 7 and 8 gave the same run");
    }

    @Test
    void listenersHearEveryBatchEpochAndCheckpoint() {
        List<String> events = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void batchEnd(int epoch, int batch, int batchesPerEpoch, double loss) {
                events.add("b" + epoch + "." + batch + "/" + batchesPerEpoch);
            }

            @Override
            public void checkpoint(double epochs, Network network) {
                events.add("c" + epochs);
            }

            @Override
            public void epochEnd(EpochReport report) {
                events.add("e" + report.epoch());
            }
        };
        new Trainer(freshNet(), Loss.mse(), Sgd.of(0.01, 0, 0), new Trainer.Config(2, 16, 1, true, new double[] {1, 0, 0.5}))
                .fit(bars(40, 4), null, l);
        assertEquals(List.of("c0.0", "b1.1/3", "b1.2/3", "c0.5", "b1.3/3", "c1.0", "e1", "b2.1/3", "b2.2/3", "b2.3/3", "e2"), events);
    }

    @Test
    void aLossThatBecomesNanStopsTrainingNamingEpochBatchAndLearningRate() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new Trainer(freshNet(), Loss.mse(), Sgd.of(1e12, 0.9, 0), Trainer.Config.of(3, 8, 1)).fit(bars(64, 5), null, null));
        String m = e.getMessage();
        assertTrue(m.contains("epoch") && m.contains("batch") && m.contains("learning rate") && m.contains("1.0E12"), m);
    }

    @Test
    void aValidationLossThatBecomesInfiniteStopsTrainingAfterTheLastFiniteEpoch() {
        Tensor ones = Tensor.zeros(Shape.vector(1, 4));
        ones.fillInPlace(1f);
        Network net = Network.of(Shape.vector(1, 4), Dense.withWeights(Tensor.wrap(new Shape(1, 4, 1, 1), ones.data()), null));
        SplittableRandom r = new SplittableRandom(3);
        Dataset train = Datasets.of(Tensor.uniform(Shape.vector(16, 4), 0, 1, r), Tensor.uniform(Shape.vector(16, 1), 0, 1, r), "small");
        Tensor big = Tensor.zeros(Shape.vector(4, 4));
        big.fillInPlace(3e38f); // finite inputs whose weighted sum overflows float32
        Dataset validation = Datasets.of(big, Tensor.zeros(Shape.vector(4, 1)), "overflowing");
        List<Integer> ended = new ArrayList<>();
        TrainingListener l = new TrainingListener() {
            @Override
            public void epochEnd(EpochReport report) {
                ended.add(report.epoch());
            }
        };
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(net, Loss.mse(), Sgd.of(1e-6, 0, 0), Trainer.Config.of(3, 8, 1)).fit(train, validation, l));
        assertTrue(e.getMessage().startsWith("training diverged: the validation mse loss became Infinity after epoch 1"), e.getMessage());
        assertEquals(0, e.completedEpochs());
        assertEquals(List.of(), ended, "no epoch ended with a non-finite validation loss reported as done");
    }

    /** A data set of {@code base}'s samples that records which indices were loaded, and fails on {@code failAt}. */
    static final class Recording implements Dataset {
        final Dataset base;
        final int failAt;
        final List<Integer> loaded = java.util.Collections.synchronizedList(new ArrayList<>());

        Recording(Dataset base, int failAt) {
            this.base = base;
            this.failAt = failAt;
        }

        @Override
        public int size() {
            return base.size();
        }

        @Override
        public Shape inputShape() {
            return base.inputShape();
        }

        @Override
        public Shape targetShape() {
            return base.targetShape();
        }

        @Override
        public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
            if (index == failAt) {
                throw new IllegalStateException("sample " + index + " is unreadable");
            }
            loaded.add(index);
            base.load(index, input, inputOffset, target, targetOffset);
        }
    }

    /**
     * Each epoch's batches hold the samples of the seed's shuffled order, batch by batch (the targets the loss saw are
     * those of the order), each sample loaded once.
     */
    @Test
    void batchesHoldTheShuffledOrderBatchByBatch() {
        Dataset data = bars(40, 3);
        Recording recording = new Recording(data, -1);
        List<float[]> targetsSeen = new ArrayList<>();
        Loss recordingLoss = new Loss() {
            @Override
            public double evaluate(Tensor output, Tensor target, Tensor grad) {
                targetsSeen.add(target.data().clone());
                return Loss.mse().evaluate(output, target, grad);
            }

            @Override
            public String name() {
                return "mse";
            }

            @Override
            public String metricName() {
                return "rmse";
            }

            @Override
            public double metricSum(Tensor output, Tensor target) {
                return Loss.mse().metricSum(output, target);
            }
        };
        new Trainer(freshNet(), recordingLoss, Sgd.of(0.01, 0.9, 0), Trainer.Config.of(2, 16, 9)).fit(recording, null, null);
        SplittableRandom random = new SplittableRandom(9);
        List<float[]> want = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            int[] order = Datasets.permutation(40, random);
            for (int from = 0; from < 40; from += 16) {
                int[] idx = java.util.Arrays.copyOfRange(order, from, Math.min(40, from + 16));
                want.add(Datasets.batch(data, idx).targets().data());
            }
        }
        assertEquals(want.size(), targetsSeen.size(), "batches");
        for (int b = 0; b < want.size(); b++) {
            assertArrayEquals(want.get(b), targetsSeen.get(b), 0f, "targets of batch " + b);
        }
        assertEquals(80, recording.loaded.size(), "every sample loaded once per epoch, none twice");
    }

    @Test
    void aSampleThatFailsToLoadStopsTrainingWithItsOwnError() {
        Recording failing = new Recording(bars(40, 3), 7);
        Trainer t = new Trainer(freshNet(), Loss.mse(), Sgd.of(0.01, 0.9, 0), Trainer.Config.of(1, 8, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.fit(failing, null, null));
        assertEquals("sample 7 is unreadable", e.getMessage());
    }

    @Test
    void emptyDataSetsAreRefused() {
        Dataset empty = new Dataset() {
            @Override
            public int size() {
                return 0;
            }

            @Override
            public Shape inputShape() {
                return IMAGE;
            }

            @Override
            public Shape targetShape() {
                return Shape.vector(1, 1);
            }

            @Override
            public void load(int index, float[] input, int inputOffset, float[] target, int targetOffset) {
                throw new IndexOutOfBoundsException(index);
            }
        };
        Trainer t = new Trainer(freshNet(), Loss.mse(), Sgd.of(0.01, 0, 0), Trainer.Config.of(1, 8, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(empty, null, null));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> t.fit(bars(8, 1), empty, null));
        assertTrue(v.getMessage().contains("validation") && v.getMessage().contains("empty"), v.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Trainer.evaluate(freshNet(), Loss.mse(), empty, 8));
    }

    @Test
    void nonPositiveOrNonFiniteLearningRatesAndBadSettingsAreRefused() {
        for (double lr : new double[] {0, -0.1, Double.NaN, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sgd.of(lr, 0.9, 0));
            assertTrue(e.getMessage().contains("learning rate") && e.getMessage().contains(String.valueOf(lr)), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Sgd.of(0.1, 1.0, 0));
        assertThrows(IllegalArgumentException.class, () -> Sgd.of(0.1, 0.9, -1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.of(0, 8, 1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.of(1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.evaluate(freshNet(), Loss.mse(), bars(4, 1), 0));
    }

    @Test
    void aDataSetOfAnotherInputShapeIsRefusedWithBothShapes() {
        Dataset wrong = Datasets.of(Tensor.zeros(new Shape(4, 1, 16, 30)), Tensor.zeros(Shape.vector(4, 1)), "wrong");
        Trainer t = new Trainer(freshNet(), Loss.mse(), Sgd.of(0.01, 0, 0), Trainer.Config.of(1, 8, 1));
        ShapeException e = assertThrows(ShapeException.class, () -> t.fit(wrong, null, null));
        assertTrue(e.getMessage().contains("1 x 16 x 30") && e.getMessage().contains("1 x 16 x 32"), e.getMessage());
    }
}
