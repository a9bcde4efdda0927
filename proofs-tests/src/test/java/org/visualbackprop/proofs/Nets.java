package org.visualbackprop.proofs;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.visualbackprop.flowgraph.SmallNet;
import org.visualbackprop.tensor.Window;

/**
 * jqwik generators of small networks with their input ({@link SmallNet}), with shrinking: an architecture (input size
 * and channels, then per conv layer kernel, stride, padding, channels, bias yes/no, BatchNorm yes/no) and pools of
 * values it reads from. Everything shrinks towards the simplest net: one layer, 1x1 kernels, stride 1,
 * no padding, one channel, a 1x1 input, no bias, no BatchNorm, values 0. A kernel larger than its input (with
 * padding) is cut to fit, so every architecture is valid and shrinking never has to discard one.
 */
final class Nets {
    private Nets() {
    }

    /** How conv biases are drawn (the paper's {@code b_v} is minus the conv bias). */
    enum Bias {
        /** No biases, no BatchNorm (its shift is a bias): Definition 1's setting. */
        NONE,
        /** Conv bias in {@code [-2, 0]}: {@code b_v >= 0}, where flow is only lost. */
        NON_NEGATIVE_B,
        /** Conv bias of either sign. */
        ANY
    }

    /**
     * The size of the space.
     *
     * @param maxDepth     conv layers 1 .. maxDepth
     * @param maxKernel    kernel side 1 .. maxKernel per axis
     * @param maxStride    stride 1 .. maxStride per axis
     * @param maxPadding   padding 0 .. maxPadding per axis (and below the kernel)
     * @param maxChannels  channels 1 .. maxChannels per conv layer
     * @param maxSide      input height and width 1 .. maxSide
     * @param maxInChannels input channels 1 .. maxInChannels
     */
    record Space(int maxDepth, int maxKernel, int maxStride, int maxPadding, int maxChannels, int maxSide, int maxInChannels) {
        /** The issue's space: 1-4 conv layers, kernels 1-3, strides 1-2, padding 0-1, 1-3 channels, 9x9, 1-2 input channels. */
        static final Space ISSUE = new Space(4, 3, 2, 1, 3, 9, 2);
        /** Small enough that every path can be enumerated: 1-3 layers, 1-2 channels, inputs up to 5x5. */
        static final Space TINY = new Space(3, 3, 2, 1, 2, 5, 2);
        /** Larger real-valued nets for the float tier: kernels up to 5, 4 channels, 14 x 14 inputs. */
        static final Space LARGER = new Space(4, 5, 2, 2, 4, 14, 3);

        Space strideOne() {
            return new Space(maxDepth, maxKernel, 1, maxPadding, maxChannels, maxSide, maxInChannels);
        }
    }

    /** One conv layer's architecture. */
    record LayerArch(int kh, int kw, int sh, int sw, int ph, int pw, int out, boolean bias, boolean norm) {
    }

    /** The architecture: input channels and size, layers. */
    record Arch(int channels, int height, int width, List<LayerArch> layers) {
    }

    /** Integer-valued nets of the issue's space (the exact tier). */
    static Arbitrary<SmallNet> integers(Bias bias, boolean batchNorm) {
        return nets(Space.ISSUE, bias, batchNorm, true);
    }

    /** Real-valued nets (the float tier). */
    static Arbitrary<SmallNet> reals(Space space, Bias bias, boolean batchNorm) {
        return nets(space, bias, batchNorm, false);
    }

    /**
     * Nets of a space, integer-valued (weights -2..2, inputs -1..3, biases -2..0 or -2..2, exact BatchNorm) or
     * real-valued. The architecture and fixed-size pools of values are drawn independently and combined (no flatMap),
     * and every weight, bias, BatchNorm statistic and input value sits at a fixed place in its pool, so jqwik shrinks
     * each part on its own: dropping a layer or a BatchNorm keeps every other value where it was.
     */
    static Arbitrary<SmallNet> nets(Space s, Bias bias, boolean batchNorm, boolean integers) {
        int c = Math.max(s.maxChannels(), s.maxInChannels());
        int weightPool = s.maxDepth() * s.maxChannels() * c * s.maxKernel() * s.maxKernel();
        int normPool = s.maxDepth() * c;
        Arbitrary<double[]> weights = integers ? INTEGER_WEIGHT.list().ofSize(weightPool).map(Nets::ints)
                : Arbitraries.doubles().between(-1, 1).ofScale(4).list().ofSize(weightPool)
                .map(v -> v.stream().mapToDouble(x -> x + 0.15).toArray());
        Arbitrary<double[]> biases = (integers ? Arbitraries.integers().between(-2, bias == Bias.NON_NEGATIVE_B ? 0 : 2).map(Integer::doubleValue)
                : Arbitraries.doubles().between(-0.5, bias == Bias.NON_NEGATIVE_B ? 0 : 0.5).ofScale(4))
                .list().ofSize(s.maxDepth() * s.maxChannels()).map(Nets::doubles);
        Arbitrary<double[]> input = (integers ? Arbitraries.integers().between(-1, 3).map(Integer::doubleValue)
                : Arbitraries.doubles().between(-0.25, 1).ofScale(4).withSpecialValue(0.0))
                .list().ofSize(s.maxInChannels() * s.maxSide() * s.maxSide()).map(Nets::doubles);
        Arbitrary<double[]> gamma = Arbitraries.of(1.0, 2.0).list().ofSize(normPool).map(Nets::doubles);
        Arbitrary<double[]> beta = Arbitraries.integers().between(-1, 1).list().ofSize(normPool).map(Nets::ints);
        Arbitrary<double[]> mean = Arbitraries.integers().between(0, 1).list().ofSize(normPool).map(Nets::ints);
        Arbitrary<double[]> var = Arbitraries.of(0.75, 3.75).list().ofSize(normPool).map(Nets::doubles);
        Arbitrary<double[][]> norms = Combinators.combine(gamma, beta, mean, var).as((g, b, m, v) -> new double[][] {g, b, m, v});
        // The architecture's edge cases (every combination of smallest and largest kernels, strides, ...) would
        // outnumber the tries; the pools keep none either, but zero inputs are drawn on purpose (withSpecialValue).
        Arbitrary<Arch> arch = architectures(s, bias != Bias.NONE, batchNorm && bias != Bias.NONE);
        return Combinators.combine(arch, weights, biases, input, norms)
                .as((a, w, b, x, n) -> build(s, a, w, b, x, n))
                .withoutEdgeCases();
    }

    /** Reads the net of architecture {@code a} out of the pools. */
    private static SmallNet build(Space s, Arch a, double[] wPool, double[] bPool, double[] xPool, double[][] nPool) {
        int maxC = Math.max(s.maxChannels(), s.maxInChannels());
        int maxK = s.maxKernel();
        double[] x = new double[a.channels() * a.height() * a.width()];
        for (int c = 0; c < a.channels(); c++) {
            for (int y = 0; y < a.height(); y++) {
                for (int xx = 0; xx < a.width(); xx++) {
                    x[(c * a.height() + y) * a.width() + xx] = xPool[(c * s.maxSide() + y) * s.maxSide() + xx];
                }
            }
        }
        List<SmallNet.Block> blocks = new ArrayList<>();
        int cin = a.channels();
        for (int l = 0; l < a.layers().size(); l++) {
            LayerArch la = a.layers().get(l);
            Window win = new Window(la.kh(), la.kw(), la.sh(), la.sw(), la.ph(), la.pw());
            double[] w = new double[la.out() * cin * win.area()];
            for (int o = 0; o < la.out(); o++) {
                for (int i = 0; i < cin; i++) {
                    for (int ky = 0; ky < la.kh(); ky++) {
                        for (int kx = 0; kx < la.kw(); kx++) {
                            w[((o * cin + i) * la.kh() + ky) * la.kw() + kx] =
                                    wPool[((((l * s.maxChannels() + o) * maxC + i) * maxK + ky) * maxK) + kx];
                        }
                    }
                }
            }
            double[] b = null;
            if (la.bias()) {
                b = new double[la.out()];
                System.arraycopy(bPool, l * s.maxChannels(), b, 0, la.out());
            }
            SmallNet.Norm norm = null;
            if (la.norm()) {
                double[][] p = new double[4][cin];
                for (int k = 0; k < 4; k++) {
                    System.arraycopy(nPool[k], l * maxC, p[k], 0, cin);
                }
                norm = new SmallNet.Norm(0.25, p[0], p[1], p[2], p[3]);
            }
            blocks.add(new SmallNet.Block(norm, win, la.out(), w, b));
            cin = la.out();
        }
        return new SmallNet(a.channels(), a.height(), a.width(), x, blocks);
    }

    static Arbitrary<Arch> architectures(Space s, boolean biases, boolean batchNorm) {
        Arbitrary<Integer> k = Arbitraries.integers().between(1, s.maxKernel());
        Arbitrary<Integer> st = Arbitraries.integers().between(1, s.maxStride());
        Arbitrary<Integer> p = Arbitraries.integers().between(0, s.maxPadding());
        Arbitrary<Integer> out = Arbitraries.integers().between(1, s.maxChannels());
        Arbitrary<Boolean> hasBias = biases ? Arbitraries.of(false, true) : Arbitraries.just(false);
        Arbitrary<Boolean> hasNorm = batchNorm ? Arbitraries.of(false, true) : Arbitraries.just(false);
        Arbitrary<LayerArch> layer = Combinators.combine(Combinators.combine(k, k, st, st, p, p).as(List::of), out, hasBias, hasNorm)
                .as((g, o, b, n) -> new LayerArch(g.get(0), g.get(1), g.get(2), g.get(3), g.get(4), g.get(5), o, b, n));
        Arbitrary<Integer> side = Arbitraries.integers().between(1, s.maxSide());
        Arbitrary<Integer> cin = Arbitraries.integers().between(1, s.maxInChannels());
        return Combinators.combine(cin, side, side, layer.list().ofMinSize(1).ofMaxSize(s.maxDepth()))
                .as((c, h, w, ls) -> fit(new Arch(c, h, w, ls)));
    }

    /** Cuts padding below the kernel and kernels to what the input (with padding) offers, layer by layer. */
    static Arch fit(Arch a) {
        List<LayerArch> out = new ArrayList<>();
        int h = a.height();
        int w = a.width();
        for (LayerArch l : a.layers()) {
            int ph = Math.min(l.ph(), l.kh() - 1);
            int pw = Math.min(l.pw(), l.kw() - 1);
            int kh = Math.min(l.kh(), h + 2 * ph);
            int kw = Math.min(l.kw(), w + 2 * pw);
            ph = Math.min(ph, kh - 1);
            pw = Math.min(pw, kw - 1);
            Window win = new Window(kh, kw, l.sh(), l.sw(), ph, pw);
            out.add(new LayerArch(kh, kw, l.sh(), l.sw(), ph, pw, l.out(), l.bias(), l.norm()));
            h = win.outH(h);
            w = win.outW(w);
        }
        return new Arch(a.channels(), a.height(), a.width(), out);
    }

    /**
     * Integer weights -2 .. 2, drawn twice as often positive as negative (so deeper layers are not mostly dead),
     * shrinking towards 0, then 1.
     */
    private static final Arbitrary<Integer> INTEGER_WEIGHT = Arbitraries.frequency(
            Tuple.of(1, 0), Tuple.of(2, 1), Tuple.of(1, -1), Tuple.of(2, 2), Tuple.of(1, -2));

    private static double[] doubles(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double[] ints(List<Integer> l) {
        return l.stream().mapToDouble(Integer::doubleValue).toArray();
    }
}
