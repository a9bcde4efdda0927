package org.visualbackprop.testing;

import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;

/**
 * Slow, literal re-implementations of the engine's arithmetic in double precision, written from the textbook
 * definitions with plain nested loops: no im2col, no phase planes, no matrix kernel, no {@code Window} helper other
 * than its six numbers. The suites compare the real kernels with these.
 *
 * <p>Convolution (cross-correlation, zero padding), for input {@code x} of shape {@code N x Cin x H x W},
 * weights {@code w} of shape {@code Cout x Cin x KH x KW}, stride {@code (SH, SW)} and padding {@code (PH, PW)}:
 * <pre>
 *   y[n, co, oy, ox] = b[co] + sum_{ci, ky, kx} w[co, ci, ky, kx] * x[n, ci, oy*SH - PH + ky, ox*SW - PW + kx]
 * </pre>
 * with {@code x} = 0 outside {@code [0, H) x [0, W)}, {@code OH = floor((H + 2 PH - KH) / SH) + 1}. Its gradients
 * follow by the chain rule: {@code dx} scatters {@code dy * w} back to the positions read, {@code dw} and {@code db}
 * sum over the batch and the output positions.
 *
 * <p>Every method also returns, beside each value, its <i>magnitude</i>: the sum of the absolute values of the
 * terms that were added to make it. A float32 sum of those terms is within a few units of float32 rounding of
 * that magnitude, whatever the order of summation; tests compare against it.
 */
public final class LiteralOracles {
    private LiteralOracles() {
    }

    /** Values and, per value, the sum of the absolute values of the terms added to make it. */
    public record Result(double[] value, double[] magnitude) {
    }

    /** Output length along one axis: {@code floor((n + 2p - k) / s) + 1}. */
    public static int outLength(int n, int k, int s, int p) {
        return Math.floorDiv(n + 2 * p - k, s) + 1;
    }

    private static double at(double[] x, Shape s, int n, int c, int y, int xx) {
        if (y < 0 || y >= s.h() || xx < 0 || xx >= s.w()) {
            return 0;
        }
        return x[((n * s.c() + c) * s.h() + y) * s.w() + xx];
    }

    /** Convolution forward; {@code b} may be null. */
    public static Result conv2d(Shape in, double[] x, double[] w, double[] b, int cout, Window win) {
        int oh = outLength(in.h(), win.kernelH(), win.strideH(), win.padH());
        int ow = outLength(in.w(), win.kernelW(), win.strideW(), win.padW());
        double[] y = new double[in.n() * cout * oh * ow];
        double[] mag = new double[y.length];
        int kh = win.kernelH();
        int kw = win.kernelW();
        for (int n = 0; n < in.n(); n++) {
            for (int co = 0; co < cout; co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double s = b == null ? 0 : b[co];
                        double m = b == null ? 0 : Math.abs(b[co]);
                        for (int ci = 0; ci < in.c(); ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    double wv = w[((co * in.c() + ci) * kh + ky) * kw + kx];
                                    double xv = at(x, in, n, ci, oy * win.strideH() - win.padH() + ky,
                                            ox * win.strideW() - win.padW() + kx);
                                    s += wv * xv;
                                    m += Math.abs(wv * xv);
                                }
                            }
                        }
                        int o = ((n * cout + co) * oh + oy) * ow + ox;
                        y[o] = s;
                        mag[o] = m;
                    }
                }
            }
        }
        return new Result(y, mag);
    }

    /**
     * Gradient of the convolution with respect to its input (the transposed convolution with the same weights):
     * {@code dx[n, ci, iy, ix] = sum of dy[n, co, oy, ox] * w[co, ci, ky, kx]} over every output position and tap with
     * {@code oy*SH - PH + ky = iy} and {@code ox*SW - PW + kx = ix}.
     */
    public static Result conv2dGradInput(Shape in, double[] w, int cout, Window win, double[] dy) {
        int oh = outLength(in.h(), win.kernelH(), win.strideH(), win.padH());
        int ow = outLength(in.w(), win.kernelW(), win.strideW(), win.padW());
        double[] dx = new double[in.size()];
        double[] mag = new double[in.size()];
        int kh = win.kernelH();
        int kw = win.kernelW();
        for (int n = 0; n < in.n(); n++) {
            for (int co = 0; co < cout; co++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((n * cout + co) * oh + oy) * ow + ox];
                        for (int ci = 0; ci < in.c(); ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * win.strideH() - win.padH() + ky;
                                    int ix = ox * win.strideW() - win.padW() + kx;
                                    if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) {
                                        continue;
                                    }
                                    int i = ((n * in.c() + ci) * in.h() + iy) * in.w() + ix;
                                    double t = g * w[((co * in.c() + ci) * kh + ky) * kw + kx];
                                    dx[i] += t;
                                    mag[i] += Math.abs(t);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Result(dx, mag);
    }

    /** Gradient with respect to the weights: {@code dw[co, ci, ky, kx] = sum_{n, oy, ox} dy[n, co, oy, ox] * x[n, ci, oy*SH-PH+ky, ox*SW-PW+kx]}. */
    public static Result conv2dGradWeight(Shape in, double[] x, int cout, Window win, double[] dy) {
        int oh = outLength(in.h(), win.kernelH(), win.strideH(), win.padH());
        int ow = outLength(in.w(), win.kernelW(), win.strideW(), win.padW());
        int kh = win.kernelH();
        int kw = win.kernelW();
        double[] dw = new double[cout * in.c() * kh * kw];
        double[] mag = new double[dw.length];
        for (int co = 0; co < cout; co++) {
            for (int ci = 0; ci < in.c(); ci++) {
                for (int ky = 0; ky < kh; ky++) {
                    for (int kx = 0; kx < kw; kx++) {
                        double s = 0;
                        double m = 0;
                        for (int n = 0; n < in.n(); n++) {
                            for (int oy = 0; oy < oh; oy++) {
                                for (int ox = 0; ox < ow; ox++) {
                                    double t = dy[((n * cout + co) * oh + oy) * ow + ox]
                                            * at(x, in, n, ci, oy * win.strideH() - win.padH() + ky, ox * win.strideW() - win.padW() + kx);
                                    s += t;
                                    m += Math.abs(t);
                                }
                            }
                        }
                        int i = ((co * in.c() + ci) * kh + ky) * kw + kx;
                        dw[i] = s;
                        mag[i] = m;
                    }
                }
            }
        }
        return new Result(dw, mag);
    }

    /** Gradient with respect to the bias: {@code db[co] = sum_{n, oy, ox} dy[n, co, oy, ox]}. */
    public static Result conv2dGradBias(int n, int cout, int oh, int ow, double[] dy) {
        double[] db = new double[cout];
        double[] mag = new double[cout];
        for (int i = 0; i < n; i++) {
            for (int co = 0; co < cout; co++) {
                for (int q = 0; q < oh * ow; q++) {
                    double t = dy[(i * cout + co) * oh * ow + q];
                    db[co] += t;
                    mag[co] += Math.abs(t);
                }
            }
        }
        return new Result(db, mag);
    }

    /**
     * Max pooling, per sample and channel: {@code y[n, c, oy, ox] = max of x[n, c, iy, ix]} over the window positions
     * {@code iy = oy*SH - PH + ky}, {@code ix = ox*SW - PW + kx} that lie inside the input (padding never wins).
     * Returns the values; {@link #maxPoolArgmax} gives the winners.
     */
    public static double[] maxPool(Shape in, double[] x, Window win) {
        int[] arg = maxPoolArgmax(in, x, win);
        double[] y = new double[arg.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[arg[i]];
        }
        return y;
    }

    /** For each pooling output, the flat input index of the first maximal position in row-major window order. */
    public static int[] maxPoolArgmax(Shape in, double[] x, Window win) {
        int oh = outLength(in.h(), win.kernelH(), win.strideH(), win.padH());
        int ow = outLength(in.w(), win.kernelW(), win.strideW(), win.padW());
        int[] arg = new int[in.n() * in.c() * oh * ow];
        for (int n = 0; n < in.n(); n++) {
            for (int c = 0; c < in.c(); c++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int best = -1;
                        for (int ky = 0; ky < win.kernelH(); ky++) {
                            for (int kx = 0; kx < win.kernelW(); kx++) {
                                int iy = oy * win.strideH() - win.padH() + ky;
                                int ix = ox * win.strideW() - win.padW() + kx;
                                if (iy < 0 || iy >= in.h() || ix < 0 || ix >= in.w()) {
                                    continue;
                                }
                                int i = ((n * in.c() + c) * in.h() + iy) * in.w() + ix;
                                if (best < 0 || x[i] > x[best]) {
                                    best = i;
                                }
                            }
                        }
                        arg[((n * in.c() + c) * oh + oy) * ow + ox] = best;
                    }
                }
            }
        }
        return arg;
    }

    /** Max pooling's input gradient: each output's gradient goes to its window's winner (summed where windows share one). */
    public static double[] maxPoolGradInput(Shape in, double[] x, Window win, double[] dy) {
        int[] arg = maxPoolArgmax(in, x, win);
        double[] dx = new double[in.size()];
        for (int i = 0; i < arg.length; i++) {
            dx[arg[i]] += dy[i];
        }
        return dx;
    }

    /** Matrix product in double, {@code C[i][j] = sum_k A[i][k] B[k][j]}, row-major {@code m x n}, with magnitudes. */
    public static Result matmul(double[][] a, double[][] b) {
        int m = a.length;
        int k = b.length;
        int n = b[0].length;
        double[] c = new double[m * n];
        double[] mag = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                double am = 0;
                for (int kk = 0; kk < k; kk++) {
                    double t = a[i][kk] * b[kk][j];
                    s += t;
                    am += Math.abs(t);
                }
                c[i * n + j] = s;
                mag[i * n + j] = am;
            }
        }
        return new Result(c, mag);
    }
}
