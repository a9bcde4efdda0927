package org.visualbackprop.io.torch;

/**
 * Literal double-precision re-implementations of the Torch7 modules' forward passes, written from Torch's
 * definitions (one sample at a time, indices spelled out), for comparison with converted networks.
 * A sample is {@code double[c][h][w]}; a vector is {@code double[n]}.
 */
final class Literal {
    private Literal() {
    }

    /** Old Torch BatchNorm in evaluation mode: {@code (x - mean) * invStd * w + b}. */
    static double[][][] batchNormInvStd(double[][][] x, double[] mean, double[] invStd, double[] w, double[] b) {
        double[][][] y = new double[x.length][x[0].length][x[0][0].length];
        for (int c = 0; c < x.length; c++) {
            for (int i = 0; i < x[c].length; i++) {
                for (int j = 0; j < x[c][i].length; j++) {
                    y[c][i][j] = (x[c][i][j] - mean[c]) * invStd[c] * (w == null ? 1 : w[c]) + (b == null ? 0 : b[c]);
                }
            }
        }
        return y;
    }

    /** Newer Torch BatchNorm in evaluation mode: {@code (x - mean) / sqrt(var + eps) * w + b}. */
    static double[][][] batchNormVar(double[][][] x, double[] mean, double[] var, double eps, double[] w, double[] b) {
        double[] inv = new double[mean.length];
        for (int c = 0; c < inv.length; c++) {
            inv[c] = 1 / Math.sqrt(var[c] + eps);
        }
        return batchNormInvStd(x, mean, inv, w, b);
    }

    /**
     * BatchNorm with the statistics of the batch (Torch's training-mode forward): per channel, mean and biased
     * variance over samples, rows and columns.
     */
    static double[][][][] batchNormBatch(double[][][][] x, double eps, double[] w, double[] b) {
        int channels = x[0].length;
        double[] mean = new double[channels];
        double[] inv = new double[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            long m = 0;
            for (double[][][] s : x) {
                for (double[] row : s[c]) {
                    for (double v : row) {
                        sum += v;
                        m++;
                    }
                }
            }
            mean[c] = sum / m;
            double sq = 0;
            for (double[][][] s : x) {
                for (double[] row : s[c]) {
                    for (double v : row) {
                        sq += (v - mean[c]) * (v - mean[c]);
                    }
                }
            }
            inv[c] = 1 / Math.sqrt(sq / m + eps);
        }
        double[][][][] y = new double[x.length][][][];
        for (int n = 0; n < x.length; n++) {
            y[n] = batchNormInvStd(x[n], mean, inv, w, b);
        }
        return y;
    }

    /** Vectors as 1 x 1 maps per feature, and back. */
    static double[][][] asMaps(double[] v) {
        double[][][] m = new double[v.length][1][1];
        for (int i = 0; i < v.length; i++) {
            m[i][0][0] = v[i];
        }
        return m;
    }

    /** Torch's SpatialConvolution: {@code y[o][i][j] = b[o] + sum W[o][c][u][v] * x[c][i*dH - padH + u][j*dW - padW + v]}. */
    static double[][][] conv(double[][][] x, double[][][][] w, double[] b, int dH, int dW, int padH, int padW) {
        int inH = x[0].length;
        int inW = x[0][0].length;
        int kH = w[0][0].length;
        int kW = w[0][0][0].length;
        int outH = (inH + 2 * padH - kH) / dH + 1;
        int outW = (inW + 2 * padW - kW) / dW + 1;
        double[][][] y = new double[w.length][outH][outW];
        for (int o = 0; o < w.length; o++) {
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    double s = b == null ? 0 : b[o];
                    for (int c = 0; c < x.length; c++) {
                        for (int u = 0; u < kH; u++) {
                            for (int v = 0; v < kW; v++) {
                                int r = i * dH - padH + u;
                                int q = j * dW - padW + v;
                                if (r >= 0 && r < inH && q >= 0 && q < inW) {
                                    s += w[o][c][u][v] * x[c][r][q];
                                }
                            }
                        }
                    }
                    y[o][i][j] = s;
                }
            }
        }
        return y;
    }

    static double[][][] relu(double[][][] x) {
        double[][][] y = new double[x.length][x[0].length][x[0][0].length];
        for (int c = 0; c < x.length; c++) {
            for (int i = 0; i < x[c].length; i++) {
                for (int j = 0; j < x[c][i].length; j++) {
                    y[c][i][j] = Math.max(0, x[c][i][j]);
                }
            }
        }
        return y;
    }

    static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, x[i]);
        }
        return y;
    }

    /** Max pooling, no padding. */
    static double[][][] maxPool(double[][][] x, int kH, int kW, int dH, int dW) {
        int outH = (x[0].length - kH) / dH + 1;
        int outW = (x[0][0].length - kW) / dW + 1;
        double[][][] y = new double[x.length][outH][outW];
        for (int c = 0; c < x.length; c++) {
            for (int i = 0; i < outH; i++) {
                for (int j = 0; j < outW; j++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int u = 0; u < kH; u++) {
                        for (int v = 0; v < kW; v++) {
                            m = Math.max(m, x[c][i * dH + u][j * dW + v]);
                        }
                    }
                    y[c][i][j] = m;
                }
            }
        }
        return y;
    }

    /** Row-major flattening (channel, row, column), as Torch's View of a contiguous tensor. */
    static double[] flatten(double[][][] x) {
        double[] v = new double[x.length * x[0].length * x[0][0].length];
        int k = 0;
        for (double[][] plane : x) {
            for (double[] row : plane) {
                for (double d : row) {
                    v[k++] = d;
                }
            }
        }
        return v;
    }

    /** Torch's Linear: {@code y[o] = b[o] + sum_i W[o][i] x[i]}. */
    static double[] linear(double[] x, double[][] w, double[] b) {
        double[] y = new double[w.length];
        for (int o = 0; o < w.length; o++) {
            double s = b == null ? 0 : b[o];
            for (int i = 0; i < x.length; i++) {
                s += w[o][i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    static double[] tanh(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.tanh(x[i]);
        }
        return y;
    }

    static double[] logSoftMax(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v);
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] - Math.log(sum);
        }
        return y;
    }
}
