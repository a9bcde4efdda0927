package org.visualbackprop.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** The trainer's schedule, gradient clipping, augmentation and mid-epoch validation. */
class TrainerOptionsTest {
    private static float[] flatten(List<Parameter> ps) {
        int n = 0;
        for (Parameter p : ps) {
            n += p.value().data().length;
        }
        float[] all = new float[n];
        int o = 0;
        for (Parameter p : ps) {
            System.arraycopy(p.value().data(), 0, all, o, p.value().data().length);
            o += p.value().data().length;
        }
        return all;
    }

    @Test
    void gradientNormAndScalingMatchPyTorchsClipGradNorm() {
        // torch.nn.utils.clip_grad_norm_([p1, p2], 6.5) with grads [3, 4] and [12]: total norm 13, grads halved
        Parameter a = Parameter.of("weight", Tensor.zeros(Shape.vector(1, 2)), true);
        Parameter b = Parameter.of("bias", Tensor.zeros(Shape.vector(1, 1)), false);
        a.grad().data()[0] = 3;
        a.grad().data()[1] = 4;
        b.grad().data()[0] = 12;
        assertEquals(13.0, Trainer.gradientNorm(List.of(a, b)), 1e-12);
        Trainer.scaleGradients(List.of(a, b), (float) (6.5 / 13));
        assertEquals(1.5f, a.grad().data()[0], 0f);
        assertEquals(2f, a.grad().data()[1], 0f);
        assertEquals(6f, b.grad().data()[0], 0f);
    }

    @Test
    void aClippedSgdStepMovesTheWeightsByExactlyTheClippingNorm() {
        // plain SGD at rate 1 moves the weights by the (clipped) gradient: its length must be the clipping norm
        double clip = 1e-3;
        Network net = TrainerTest.freshNet();
        float[] before = flatten(net.parameters());
        List<TrainingListener.StepReport> steps = new ArrayList<>();
        new Trainer(net, Loss.mse(), Sgd.of(1.0, 0, 0), Trainer.Config.of(1, 16, 3).withClipNorm(clip))
                .fit(TrainerTest.bars(16, 1), null, new TrainingListener() {
                    @Override
                    public void step(StepReport r) {
                        steps.add(r);
                    }
                });
        float[] after = flatten(net.parameters());
        double moved = 0;
        for (int i = 0; i < before.length; i++) {
            moved += ((double) after[i] - before[i]) * ((double) after[i] - before[i]);
        }
        assertEquals(1, steps.size());
        assertTrue(steps.get(0).clipped() && steps.get(0).gradientNorm() > clip, "norm " + steps.get(0).gradientNorm());
        assertEquals(clip, Math.sqrt(moved), clip * 1e-3);
    }

    @Test
    void eachStepRunsAtTheBaseRateTimesTheSchedulesFactor() {
        List<Double> rates = new ArrayList<>();
        Schedule cosine = Schedule.cosine(2, 0.1);
        // 40 samples in batches of 8: 5 steps per epoch, 2 epochs
        new Trainer(TrainerTest.freshNet(), Loss.mse(), Adam.adam(0.01, 0), Trainer.Config.of(2, 8, 5).withSchedule(cosine))
                .fit(TrainerTest.bars(40, 2), null, new TrainingListener() {
                    @Override
                    public void step(StepReport r) {
                        rates.add(r.learningRate());
                        assertEquals(8L * r.step(), r.samplesSeen());
                    }
                });
        assertEquals(10, rates.size());
        for (int s = 0; s < 10; s++) {
            assertEquals(0.01 * cosine.factor(s, 10), rates.get(s), 1e-15, "step " + s);
        }
        assertEquals(0.005, rates.get(0), 1e-15);
        assertEquals(0.001, rates.get(9), 1e-15);
    }

    @Test
    void augmentationSeesEveryTrainingBatchOnceAndNoValidationBatch() {
        List<Integer> sizes = new ArrayList<>();
        Augmentation counting = new Augmentation() {
            @Override
            public void apply(Batch batch, int[] indices, Dataset source, SplittableRandom random) {
                assertEquals(batch.inputs().shape().n(), indices.length);
                sizes.add(indices.length);
            }

            @Override
            public String describe() {
                return "counting";
            }
        };
        new Trainer(TrainerTest.freshNet(), Loss.mse(), Sgd.of(0.01, 0.9, 0), Trainer.Config.of(2, 16, 1).withAugmentation(counting))
                .fit(TrainerTest.bars(40, 3), TrainerTest.bars(30, 4), null);
        assertEquals(List.of(16, 16, 8, 16, 16, 8), sizes);
    }

    @Test
    void validationEveryNSamplesGivesALearningCurve() {
        List<Long> at = new ArrayList<>();
        new Trainer(TrainerTest.freshNet(), Loss.mse(), Sgd.of(0.01, 0.9, 0), Trainer.Config.of(2, 8, 1).withValidateEvery(20))
                .fit(TrainerTest.bars(40, 3), TrainerTest.bars(16, 4), new TrainingListener() {
                    @Override
                    public void validation(long seen, double epochs, Trainer.Evaluation v) {
                        at.add(seen);
                        assertEquals(16, v.samples());
                        assertEquals(seen / 40.0, epochs, 1e-12);
                    }
                });
        // batches of 8: 24 samples is the first count >= 20, then 40 (the end of epoch 1, reported by epochEnd instead),
        // then 64, and 80 (the end of epoch 2)
        assertEquals(List.of(24L, 64L), at);
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.of(1, 8, 1).withClipNorm(-1));
        assertThrows(IllegalArgumentException.class, () -> Trainer.Config.of(1, 8, 1).withValidateEvery(-5));
    }
}
