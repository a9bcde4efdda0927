package org.visualbackprop.proofs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.flowgraph.Rational;
import org.visualbackprop.flowgraph.SmallNet;

/**
 * The oracle: Section 4 read literally on a {@link SmallNet}, in exact rationals, sharing no code with the flow graph
 * (no {@code FlowGraph}, no {@code Window}): the forward pass from the convolution's formula, with the input of every
 * conv layer batch-normalized and then zero-padded; "the paths from X to A_L" followed one neuron at a time, the
 * neurons of layer l that X reaches being those whose window {@code [o*s - p, o*s - p + k - 1]} (per axis) contains X.
 * The sum over paths is taken by recursion (memoized: the sum over the paths from a neuron is the same whichever path
 * led there).
 *
 * <p>BatchNorm must be exact: {@code var + eps} the square of a double (as {@link Nets#norms} draws it).
 */
final class LiteralOracle {
    private final SmallNet net;
    private final int depth;
    private final int[] ch;
    private final int[] hs;
    private final int[] ws;
    // [l][neuron], l = 0..L; neuron = (c*h + y)*w + x
    private final List<Rational[]> a = new ArrayList<>();
    private final List<Rational[]> z = new ArrayList<>();
    private final List<Rational[]> scale = new ArrayList<>(); // BatchNorm scale per input channel of conv l (index l-1)
    private final Map<Long, Rational> memo = new HashMap<>();

    LiteralOracle(SmallNet net) {
        this.net = net;
        this.depth = net.depth();
        ch = new int[depth + 1];
        hs = new int[depth + 1];
        ws = new int[depth + 1];
        ch[0] = net.channels();
        hs[0] = net.height();
        ws[0] = net.width();
        Rational[] x = new Rational[net.inputValues().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = Rational.of(net.inputValues()[i]);
        }
        a.add(x);
        z.add(null);
        for (int l = 1; l <= depth; l++) {
            SmallNet.Block b = net.blocks().get(l - 1);
            int k1 = b.window().kernelH();
            int k2 = b.window().kernelW();
            int s1 = b.window().strideH();
            int s2 = b.window().strideW();
            int p1 = b.window().padH();
            int p2 = b.window().padW();
            ch[l] = b.outChannels();
            hs[l] = (hs[l - 1] + 2 * p1 - k1) / s1 + 1;
            ws[l] = (ws[l - 1] + 2 * p2 - k2) / s2 + 1;
            Rational[] sc = new Rational[ch[l - 1]];
            Rational[] sh = new Rational[ch[l - 1]];
            for (int c = 0; c < sc.length; c++) {
                if (b.norm() == null) {
                    sc[c] = Rational.ONE;
                    sh[c] = Rational.ZERO;
                } else {
                    SmallNet.Norm n = b.norm();
                    double root = Math.sqrt(n.var()[c] + (float) n.eps());
                    if (root * root != n.var()[c] + (float) n.eps()) {
                        throw new IllegalArgumentException("the oracle needs exact BatchNorm: var + eps a square, got " + n);
                    }
                    sc[c] = Rational.of(n.gamma()[c]).divide(Rational.of(root));
                    sh[c] = Rational.of(n.beta()[c]).subtract(Rational.of(n.mean()[c]).multiply(sc[c]));
                }
            }
            scale.add(sc);
            double[] wt = b.weights();
            double[] bias = b.bias();
            Rational[] below = a.get(l - 1);
            Rational[] al = new Rational[ch[l] * hs[l] * ws[l]];
            Rational[] zl = new Rational[al.length];
            for (int co = 0; co < ch[l]; co++) {
                for (int oy = 0; oy < hs[l]; oy++) {
                    for (int ox = 0; ox < ws[l]; ox++) {
                        Rational total = bias == null ? Rational.ZERO : Rational.of(bias[co]);
                        Rational weighted = Rational.ZERO;
                        for (int ci = 0; ci < ch[l - 1]; ci++) {
                            for (int ky = 0; ky < k1; ky++) {
                                for (int kx = 0; kx < k2; kx++) {
                                    int iy = oy * s1 - p1 + ky;
                                    int ix = ox * s2 - p2 + kx;
                                    if (iy < 0 || iy >= hs[l - 1] || ix < 0 || ix >= ws[l - 1]) {
                                        continue; // zero padding of the normalized map
                                    }
                                    Rational w = Rational.of(wt[((co * ch[l - 1] + ci) * k1 + ky) * k2 + kx]);
                                    Rational in = below[(ci * hs[l - 1] + iy) * ws[l - 1] + ix];
                                    total = total.add(w.multiply(sc[ci].multiply(in).add(sh[ci])));
                                    weighted = weighted.add(w.multiply(sc[ci]).multiply(in));
                                }
                            }
                        }
                        int v = (co * hs[l] + oy) * ws[l] + ox;
                        al[v] = total.signum() > 0 ? total : Rational.ZERO;
                        zl[v] = weighted;
                    }
                }
            }
            a.add(al);
            z.add(zl);
        }
    }

    /** {@code a(v)} of neuron {@code (c, y, x)} of part l (l = 0: the input value). */
    Rational activation(int l, int neuron) {
        return a.get(l)[neuron];
    }

    /** The activations of part l. */
    Rational[] activations(int l) {
        return a.get(l).clone();
    }

    /** What one path's edge into neuron v of layer l from neuron u contributes, by quantity. */
    enum Factor { WEIGHT_RATIO, ACTIVATION }

    /** Sum over the paths from neuron u of part l to the last layer of the product of the edges' factors. */
    private Rational fromNeuron(Factor f, int l, int u) {
        if (l == depth) {
            return Rational.ONE;
        }
        long key = ((long) f.ordinal() << 40) | ((long) l << 32) | u;
        Rational m = memo.get(key);
        if (m != null) {
            return m;
        }
        SmallNet.Block b = net.blocks().get(l);
        int ci = u / (hs[l] * ws[l]);
        int iy = u % (hs[l] * ws[l]) / ws[l];
        int ix = u % ws[l];
        int k1 = b.window().kernelH();
        int k2 = b.window().kernelW();
        Rational sum = Rational.ZERO;
        for (int co = 0; co < ch[l + 1]; co++) {
            for (int oy = 0; oy < hs[l + 1]; oy++) {
                int top = oy * b.window().strideH() - b.window().padH();
                if (iy < top || iy > top + k1 - 1) {
                    continue;
                }
                for (int ox = 0; ox < ws[l + 1]; ox++) {
                    int left = ox * b.window().strideW() - b.window().padW();
                    if (ix < left || ix > left + k2 - 1) {
                        continue;
                    }
                    int v = (co * hs[l + 1] + oy) * ws[l + 1] + ox;
                    Rational av = a.get(l + 1)[v];
                    Rational edge;
                    if (f == Factor.ACTIVATION) {
                        edge = av;
                    } else {
                        Rational w = Rational.of(b.weights()[((co * ch[l] + ci) * k1 + (iy - top)) * k2 + (ix - left)])
                                .multiply(scale.get(l)[ci]);
                        Rational zv = z.get(l + 1)[v];
                        edge = zv.signum() == 0 ? Rational.ZERO : w.multiply(av).divide(zv); // 0/0 := 0
                    }
                    sum = sum.add(edge.multiply(fromNeuron(f, l + 1, v)));
                }
            }
        }
        memo.put(key, sum);
        return sum;
    }

    /** Eq. 3: {@code phi(X) = v(X) sum_P prod w_e a_e / (a_e + b_e)}, per input neuron. */
    Rational[] phi() {
        Rational[] out = new Rational[a.get(0).length];
        for (int x = 0; x < out.length; x++) {
            out[x] = a.get(0)[x].multiply(fromNeuron(Factor.WEIGHT_RATIO, 0, x));
        }
        return out;
    }

    /** Eq. 4 with {@code c = prod_l 1/f_l}: {@code phi_VBP(X) = c v(X) sum_P prod a_e}, per input neuron. */
    Rational[] phiVbp() {
        Rational c = Rational.ONE;
        for (int l = 1; l <= depth; l++) {
            c = c.divide(Rational.of(ch[l]));
        }
        Rational[] out = new Rational[a.get(0).length];
        for (int x = 0; x < out.length; x++) {
            out[x] = c.multiply(a.get(0)[x]).multiply(fromNeuron(Factor.ACTIVATION, 0, x));
        }
        return out;
    }
}
