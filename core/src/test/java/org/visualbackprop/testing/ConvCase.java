package org.visualbackprop.testing;

import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/**
 * One random convolution or pooling problem (for jqwik properties): batch, channels, input size and window. The
 * input size is drawn uniformly from the smallest that fits the window to {@code maxExtra} more, so that strides often
 * leave the last rows or columns unused. Use with {@code edgeCases = EdgeCasesMode.NONE}: the combinations of edge
 * cases outnumber any sensible number of tries (and jqwik logs that).
 */
public record ConvCase(int n, int cin, int cout, int h, int w, Window window, long seed) {

    public Shape inShape() {
        return new Shape(n, cin, h, w);
    }

    public int outH() {
        return window.outH(h);
    }

    public int outW() {
        return window.outW(w);
    }

    /** A random source seeded by this case. */
    public SplittableRandom random() {
        return new SplittableRandom(seed);
    }

    /** Windows with kernels 1-5 per axis (non-square too), strides 1-3, paddings 0-2 (below the kernel). */
    public static Arbitrary<Window> windows() {
        Arbitrary<Integer> k = Arbitraries.integers().between(1, 5);
        Arbitrary<Integer> s = Arbitraries.integers().between(1, 3);
        Arbitrary<Integer> p = Arbitraries.integers().between(0, 2);
        return Combinators.combine(k, k, s, s, p, p)
                .as((kh, kw, sh, sw, ph, pw) -> new Window(kh, kw, sh, sw, Math.min(ph, kh - 1), Math.min(pw, kw - 1)));
    }

    /** Cases with up to {@code maxBatch} images, {@code maxChannels} channels and inputs up to the kernel plus {@code maxExtra}. */
    public static Arbitrary<ConvCase> cases(int maxBatch, int maxChannels, int maxExtra) {
        return windows().flatMap(win -> {
            int minH = Math.max(1, win.kernelH() - 2 * win.padH());
            int minW = Math.max(1, win.kernelW() - 2 * win.padW());
            return Combinators.combine(
                    Arbitraries.integers().between(1, maxBatch),
                    Arbitraries.integers().between(1, maxChannels),
                    Arbitraries.integers().between(1, maxChannels),
                    Arbitraries.integers().between(minH, minH + maxExtra).withDistribution(RandomDistribution.uniform()),
                    Arbitraries.integers().between(minW, minW + maxExtra).withDistribution(RandomDistribution.uniform()),
                    Arbitraries.longs())
                    .as((n, cin, cout, h, w, seed) -> new ConvCase(n, cin, cout, h, w, win, seed));
        });
    }
}
