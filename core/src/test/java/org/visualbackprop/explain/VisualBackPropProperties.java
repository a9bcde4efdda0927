package org.visualbackprop.explain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.Tolerances;

/** VisualBackProp against a literal reading of Section 3, and its invariances. */
class VisualBackPropProperties {

    /**
     * The oracle: Section 3 read literally, in double precision. Averaged maps by looping over channels; up-scaling by
     * asking, for every pair of input position x and output position y, whether y's window {@code [y*s - p,
     * y*s - p + k - 1]} contains x (no transposed convolution, no {@code Window} helper).
     */
    static double[][] oracleRaw(Trace trace, VbpPlan plan) {
        int n = trace.batch();
        List<VbpPlan.Stage> stages = plan.stages();
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            List<double[]> avg = new ArrayList<>();
            for (VbpPlan.Stage s : plan.convStages()) {
                Tensor t = trace.output(s.mapLayer());
                Shape sh = t.shape();
                double[] a = new double[sh.plane()];
                for (int y = 0; y < sh.h(); y++) {
                    for (int x = 0; x < sh.w(); x++) {
                        double sum = 0;
                        for (int c = 0; c < sh.c(); c++) {
                            sum += t.get(i, c, y, x);
                        }
                        a[y * sh.w() + x] = sum / sh.c();
                    }
                }
                avg.add(a);
            }
            int level = avg.size() - 1;
            double[] m = avg.get(level);
            for (int st = stages.size() - 1; st >= 0; st--) {
                VbpPlan.Stage s = stages.get(st);
                Window w = s.window();
                Shape o = s.outputShape();
                Shape in = s.inputShape();
                double[] u = new double[in.plane()];
                for (int iy = 0; iy < in.h(); iy++) {
                    for (int ix = 0; ix < in.w(); ix++) {
                        double sum = 0;
                        for (int oy = 0; oy < o.h(); oy++) {
                            for (int ox = 0; ox < o.w(); ox++) {
                                int top = oy * w.strideH() - w.padH();
                                int left = ox * w.strideW() - w.padW();
                                if (top <= iy && iy <= top + w.kernelH() - 1 && left <= ix && ix <= left + w.kernelW() - 1) {
                                    sum += m[oy * o.w() + ox];
                                }
                            }
                        }
                        u[iy * in.w() + ix] = sum;
                    }
                }
                if (st > 0 && stages.get(st - 1).isConv()) {
                    level--;
                    for (int q = 0; q < u.length; q++) {
                        u[q] *= avg.get(level)[q];
                    }
                }
                m = u;
            }
            out[i] = m;
        }
        return out;
    }

    @Property(tries = 60)
    void rawMaskEqualsTheLiteralReadingOfSection3(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int convs,
                                                  @ForAll boolean pools) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(2), 6 + r.nextInt(14), 6 + r.nextInt(14));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(convs, pools, true, r.nextBoolean(), 0.2));
        Tensor x = Tensor.uniform(input.withBatch(1 + r.nextInt(3)), 0, 1, r);
        Trace t = net.trace(x, Mode.EVAL);
        VbpPlan plan = VbpPlan.of(net);
        Explanation e = VisualBackProp.explain(t, plan);
        double[][] oracle = oracleRaw(t, plan);
        for (int i = 0; i < oracle.length; i++) {
            double scale = 1e-30;
            for (double v : oracle[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            for (int q = 0; q < oracle[i].length; q++) {
                double got = e.raw().data()[i * oracle[i].length + q];
                assertTrue(Math.abs(got - oracle[i][q]) <= Tolerances.F32 * scale,
                        "pixel " + q + " of image " + i + ": " + got + " vs oracle " + oracle[i][q] + " in " + net);
            }
        }
    }

    @Property(tries = 40)
    void genericDoubleVersionAgreesWithTheFloatVersion(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1, 8 + r.nextInt(10), 8 + r.nextInt(10));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, true, false, 0.2));
        Tensor x = Tensor.uniform(input, 0, 1, r);
        Trace t = net.trace(x, Mode.EVAL);
        VbpPlan plan = VbpPlan.of(net);
        List<Double[]> acts = new ArrayList<>();
        for (VbpPlan.Stage s : plan.convStages()) {
            float[] d = t.output(s.mapLayer()).data();
            Double[] a = new Double[d.length];
            for (int q = 0; q < d.length; q++) {
                a[q] = (double) d[q];
            }
            acts.add(a);
        }
        Double[] generic = VisualBackProp.rawMask(plan, acts, Arithmetic.DOUBLE, Double[]::new);
        Explanation e = VisualBackProp.explain(t, plan);
        double scale = 1e-30;
        for (Double v : generic) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int q = 0; q < generic.length; q++) {
            assertEquals(generic[q], e.raw().data()[q], Tolerances.F32 * scale);
        }
    }

    @Property(tries = 40)
    void batchResultsEqualPerImageResults(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(3), 10 + r.nextInt(10), 10 + r.nextInt(10));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, true, false, 0.2));
        int n = 2 + r.nextInt(4);
        Tensor x = Tensor.uniform(input.withBatch(n), 0, 1, r);
        Explanation batch = VisualBackProp.explain(net.trace(x, Mode.EVAL));
        for (int i = 0; i < n; i++) {
            Explanation one = VisualBackProp.explain(net.trace(x.sample(i), Mode.EVAL));
            int plane = input.plane();
            for (int q = 0; q < plane; q++) {
                assertEquals(one.mask().data()[q], batch.mask().data()[i * plane + q], 1e-6f);
                assertEquals(one.raw().data()[q], batch.raw().data()[i * plane + q],
                        1e-6f * Math.max(1f, Math.abs(one.raw().data()[q])));
            }
        }
    }

    /**
     * Explaining a second batch into the arrays of the first explanation gives exactly what a fresh explanation of the
     * second batch gives (nothing of the first batch survives), and reuses those arrays.
     */
    @Property(tries = 30)
    void explainingIntoAnEarlierExplanationEqualsAFreshOne(@ForAll long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(2), 8 + r.nextInt(10), 8 + r.nextInt(10));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, true, false, 0.2));
        int n = 1 + r.nextInt(3);
        Explanation first = VisualBackProp.explain(net.trace(Tensor.uniform(input.withBatch(n), 0, 1, r), Mode.EVAL));
        float[] firstMask = first.mask().data();
        Trace second = net.trace(Tensor.uniform(input.withBatch(n), 0, 1, r), Mode.EVAL);
        Explanation fresh = VisualBackProp.explain(second);
        Explanation reused = VisualBackProp.explain(second, fresh.plan(), first);
        assertTrue(reused.mask().data() == firstMask, "the mask's array is reused");
        assertEquals(0f, fresh.mask().maxAbsDiff(reused.mask()));
        assertEquals(0f, fresh.raw().maxAbsDiff(reused.raw()));
        for (int l = 0; l < fresh.intermediateMasks().size(); l++) {
            assertEquals(0f, fresh.intermediateMasks().get(l).maxAbsDiff(reused.intermediateMasks().get(l)));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(fresh.isFlat(i), reused.isFlat(i));
        }
        // a batch of another size cannot reuse them, and still comes out right
        Trace third = net.trace(Tensor.uniform(input.withBatch(n + 1), 0, 1, r), Mode.EVAL);
        assertEquals(0f, VisualBackProp.explain(third).raw().maxAbsDiff(VisualBackProp.explain(third, fresh.plan(), reused).raw()));
    }

    /**
     * Scaling a conv layer's weights and bias by c > 0 scales its ReLU output by c (ReLU is positively homogeneous);
     * when the conv layers above it have no biases, every deeper activation scales by c too, so the raw mask is a
     * positive multiple of the old one and the normalized mask does not change.
     */
    @Property(tries = 40)
    void positiveRescalingOfOneLayerLeavesTheNormalizedMaskUnchanged(@ForAll long seed, @ForAll @IntRange(min = 1, max = 100) int percent) {
        SplittableRandom r = new SplittableRandom(seed);
        Shape input = new Shape(1, 1 + r.nextInt(2), 10 + r.nextInt(10), 10 + r.nextInt(10));
        Network net = RandomNets.random(r, input, new RandomNets.Spec(1 + r.nextInt(3), true, false, false, 0.2));
        Tensor x = Tensor.uniform(input, 0, 1, r);
        Explanation before = VisualBackProp.explain(net.trace(x, Mode.EVAL));
        List<Conv2d> convs = new ArrayList<>();
        for (int i = 0; i < net.size(); i++) {
            if (net.layer(i) instanceof Conv2d c) {
                convs.add(c);
            }
        }
        Conv2d chosen = convs.get(r.nextInt(convs.size()));
        float c = percent / 10f;
        chosen.weight().value().scaleInPlace(c);
        Explanation after = VisualBackProp.explain(net.trace(x, Mode.EVAL));
        assertEquals(0f, before.mask().maxAbsDiff(after.mask()), 1e-4f);
    }
}
