package org.visualbackprop.io.torch;

import static org.visualbackprop.io.torch.Torch7Writer.concat;
import static org.visualbackprop.io.torch.Torch7Writer.emptyTensor;
import static org.visualbackprop.io.torch.Torch7Writer.floatTensor;
import static org.visualbackprop.io.torch.Torch7Writer.longs;
import static org.visualbackprop.io.torch.Torch7Writer.module;
import static org.visualbackprop.io.torch.Torch7Writer.sequential;
import static org.visualbackprop.io.torch.Torch7Writer.view;

import java.util.SplittableRandom;
import org.visualbackprop.io.torch.Torch7Writer.Obj;
import org.visualbackprop.io.torch.Torch7Writer.Storage;
import org.visualbackprop.io.torch.Torch7Writer.Tensor;
import org.visualbackprop.tensor.Shape;

/**
 * Hand-built Torch7 models with known weights, and their literal forward passes ({@link Literal}).
 * Weights are float32 values (kept as doubles), drawn from a seeded source.
 */
final class TorchTestNets {
    private TorchTestNets() {
    }

    static double[] values(SplittableRandom r, int n, double lo, double hi) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return d;
    }

    static double[][] matrix(double[] flat, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, m[i], 0, cols);
        }
        return m;
    }

    static double[][][][] kernel(double[] flat, int o, int c, int kh, int kw) {
        double[][][][] k = new double[o][c][kh][kw];
        int n = 0;
        for (int a = 0; a < o; a++) {
            for (int b = 0; b < c; b++) {
                for (int u = 0; u < kh; u++) {
                    for (int v = 0; v < kw; v++) {
                        k[a][b][u][v] = flat[n++];
                    }
                }
            }
        }
        return k;
    }

    /** A batch of inputs with values in [0, 1). */
    static double[][][][] inputs(Shape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][][][] x = new double[s.n()][s.c()][s.h()][s.w()];
        for (double[][][] a : x) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    for (int i = 0; i < c.length; i++) {
                        c[i] = (float) r.nextDouble();
                    }
                }
            }
        }
        return x;
    }

    static float[] flat(double[][][][] x) {
        int n = x.length * x[0].length * x[0][0].length * x[0][0][0].length;
        float[] f = new float[n];
        int k = 0;
        for (double[][][] a : x) {
            for (double[][] b : a) {
                for (double[] c : b) {
                    for (double d : c) {
                        f[k++] = (float) d;
                    }
                }
            }
        }
        return f;
    }

    /**
     * Net A, input 2 x 7 x 8:
     * <pre>
     * nn.Sequential
     *  [1]  nn.SpatialBatchNormalization(2)   running_std (old kind), affine
     *  [2]  nn.SpatialConvolution 2 -> 3, 3x3, stride 1, pad 1   (weight and bias: views of one shared storage)
     *  [3]  nn.ReLU                                                (the same object again at [11])
     *  [4]  nn.SpatialMaxPooling 2x2, stride 2                     -> 3 x 3 x 4
     *  [5]  nn.Sequential
     *        [1] cudnn.SpatialBatchNormalization(3)  running_var (new kind), affine false (weight, bias nil)
     *        [2] cudnn.ReLU
     *        [3] cudnn.SpatialConvolution 3 -> 4, kernel 2x3 (kH x kW), stride dH 1, dW 2, no bias   -> 4 x 2 x 1
     *  [6]  nn.View(8)
     *  [7]  nn.Linear 8 -> 5   (weight a transposed view of a DoubleStorage: strides [1, 5])
     *  [8]  nn.Tanh
     *  [9]  nn.Dropout(0.3), v2
     *  [10] nn.Linear 5 -> 3
     *  [11] nn.ReLU (back-reference to [3])
     *  [12] nn.LogSoftMax
     * </pre>
     */
    static final class NetA {
        static final Shape INPUT = new Shape(1, 2, 7, 8);
        final double[] bn1Mean;
        final double[] bn1Std;
        final double[] bn1W;
        final double[] bn1B;
        final double[] conv1W;
        final double[] conv1B;
        final double[] bn2Mean;
        final double[] bn2Var;
        final double[] conv2W;
        final double[] fc1W;
        final double[] fc1B;
        final double[] fc2W;
        final double[] fc2B;
        static final double EPS1 = 1e-5;
        static final double EPS2 = 1e-3;

        NetA(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            bn1Mean = values(r, 2, 0.2, 0.6);
            bn1Std = values(r, 2, 0.5, 3);
            bn1W = values(r, 2, 0.5, 1.5);
            bn1B = values(r, 2, -0.2, 0.2);
            conv1W = values(r, 3 * 2 * 9, -0.5, 0.5);
            conv1B = values(r, 3, -0.1, 0.1);
            bn2Mean = values(r, 3, -0.2, 0.2);
            bn2Var = values(r, 3, 0.1, 2);
            conv2W = values(r, 4 * 3 * 6, -0.5, 0.5);
            fc1W = values(r, 5 * 8, -0.5, 0.5);
            fc1B = values(r, 5, -0.1, 0.1);
            fc2W = values(r, 3 * 5, -1, 1);
            fc2B = values(r, 3, -0.1, 0.1);
        }

        Obj model(boolean train) {
            Obj bn1 = module("nn.SpatialBatchNormalization", "eps", EPS1, "momentum", 0.1, "affine", true, "train", train,
                    "running_mean", floatTensor(bn1Mean, 2), "running_std", floatTensor(bn1Std, 2),
                    "weight", floatTensor(bn1W, 2), "bias", floatTensor(bn1B, 2),
                    "output", emptyTensor(), "gradInput", emptyTensor());
            // weight and bias of conv1 live in one shared storage after 5 unrelated values, as getParameters() leaves them
            Storage params = Torch7Writer.floats(concat(new double[] {9, 9, 9, 9, 9}, conv1W, conv1B, new double[] {7}));
            Storage grads = Torch7Writer.floats(new double[params.values.length]);
            Obj conv1 = module("nn.SpatialConvolution", "nInputPlane", 2, "nOutputPlane", 3, "kW", 3, "kH", 3,
                    "dW", 1, "dH", 1, "padW", 1, "padH", 1, "train", train,
                    "weight", view(params, 6, 3, 2, 3, 3), "bias", view(params, 6 + 54, 3),
                    "gradWeight", view(grads, 6, 3, 2, 3, 3), "gradBias", view(grads, 6 + 54, 3));
            Obj relu = module("nn.ReLU", "threshold", 0, "val", 0, "inplace", false, "train", train);
            Obj pool = module("nn.SpatialMaxPooling", "kW", 2, "kH", 2, "dW", 2, "dH", 2, "padW", 0, "padH", 0,
                    "ceil_mode", false, "train", train);
            Obj bn2 = module("cudnn.SpatialBatchNormalization", "eps", EPS2, "momentum", 0.1, "affine", false,
                    "train", train, "running_mean", floatTensor(bn2Mean, 3), "running_var", floatTensor(bn2Var, 3));
            Obj relu2 = module("cudnn.ReLU", "inplace", true, "mode", "CUDNN_ACTIVATION_RELU", "train", train);
            Obj conv2 = module("cudnn.SpatialConvolution", "nInputPlane", 3, "nOutputPlane", 4, "kW", 3, "kH", 2,
                    "dW", 2, "dH", 1, "padW", 0, "padH", 0, "groups", 1, "train", train,
                    "weight", floatTensor(conv2W, 4, 3, 2, 3));
            Obj inner = sequential(train, bn2, relu2, conv2);
            Obj viewM = module("nn.View", "size", longs(8), "numElements", 8, "train", train);
            double[] transposed = new double[8 * 5];
            for (int o = 0; o < 5; o++) {
                for (int i = 0; i < 8; i++) {
                    transposed[i * 5 + o] = fc1W[o * 8 + i];
                }
            }
            Tensor fc1Weight = new Tensor("torch.DoubleTensor", new long[] {5, 8}, new long[] {1, 5}, 1,
                    new Storage("torch.DoubleStorage", transposed));
            Obj fc1 = module("nn.Linear", "weight", fc1Weight, "bias", floatTensor(fc1B, 5), "train", train);
            Obj tanh = module("nn.Tanh", "train", train);
            Obj drop = module("nn.Dropout", "p", 0.3, "v2", true, "inplace", false, "train", train);
            Obj fc2 = module("nn.Linear", "weight", floatTensor(fc2W, 3, 5), "bias", floatTensor(fc2B, 3), "train", train);
            Obj lsm = module("nn.LogSoftMax", "train", train);
            return sequential(train, bn1, conv1, relu, pool, inner, viewM, fc1, tanh, drop, fc2, relu, lsm);
        }

        /** The literal forward pass of one batch; each row is one sample's 3 log-probabilities. */
        double[][] forward(double[][][][] x, boolean batchStatistics) {
            int n = x.length;
            double[][][][] h = new double[n][][][];
            for (int i = 0; i < n; i++) {
                h[i] = Literal.batchNormInvStd(x[i], bn1Mean, bn1Std, bn1W, bn1B);
            }
            if (batchStatistics) {
                h = Literal.batchNormBatch(x, EPS1, bn1W, bn1B);
            }
            for (int i = 0; i < n; i++) {
                h[i] = Literal.maxPool(Literal.relu(Literal.conv(h[i], kernel(conv1W, 3, 2, 3, 3), conv1B, 1, 1, 1, 1)),
                        2, 2, 2, 2);
            }
            double[][][][] g = new double[n][][][];
            for (int i = 0; i < n; i++) {
                g[i] = Literal.batchNormVar(h[i], bn2Mean, bn2Var, EPS2, null, null);
            }
            if (batchStatistics) {
                g = Literal.batchNormBatch(h, EPS2, null, null);
            }
            double[][] out = new double[n][];
            for (int i = 0; i < n; i++) {
                double[] v = Literal.flatten(Literal.conv(Literal.relu(g[i]), kernel(conv2W, 4, 3, 2, 3), null, 1, 2, 0, 0));
                v = Literal.tanh(Literal.linear(v, matrix(fc1W, 5, 8), fc1B));
                v = Literal.relu(Literal.linear(v, matrix(fc2W, 3, 5), fc2B));
                out[i] = Literal.logSoftMax(v);
            }
            return out;
        }
    }

    /**
     * Net B, input 1 x 5 x 6, written without version strings (old files):
     * <pre>
     * nn.Sequential
     *  [1] nn.SpatialConvolutionMM 1 -> 2, 2x2   (2-D weight 2 x 4)   -> 2 x 4 x 5
     *  [2] nn.Threshold(0, 0)
     *  [3] nn.View(-1, 40)
     *  [4] nn.BatchNormalization(40)   running_std (old kind), affine false
     *  [5] nn.Identity
     *  [6] nn.Linear 40 -> 2, no bias
     * </pre>
     */
    static final class NetB {
        static final Shape INPUT = new Shape(1, 1, 5, 6);
        static final double EPS = 1e-5;
        final double[] convW;
        final double[] convB;
        final double[] bnMean;
        final double[] bnStd;
        final double[] fcW;

        NetB(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            convW = values(r, 2 * 4, -1, 1);
            convB = values(r, 2, -0.2, 0.2);
            bnMean = values(r, 40, 0, 0.5);
            bnStd = values(r, 40, 0.5, 4);
            fcW = values(r, 2 * 40, -0.3, 0.3);
        }

        Obj model(boolean train) {
            Obj conv = module("nn.SpatialConvolutionMM", "nInputPlane", 1, "nOutputPlane", 2, "kW", 2, "kH", 2,
                    "dW", 1, "dH", 1, "padW", 0, "padH", 0, "train", train,
                    "weight", floatTensor(convW, 2, 4), "bias", floatTensor(convB, 2),
                    "finput", emptyTensor(), "fgradInput", emptyTensor());
            Obj th = module("nn.Threshold", "threshold", 0, "val", 0, "inplace", false, "train", train);
            Obj viewM = module("nn.View", "size", longs(-1, 40), "numElements", 40, "train", train);
            Obj bn = module("nn.BatchNormalization", "eps", EPS, "momentum", 0.1, "affine", false, "train", train,
                    "running_mean", floatTensor(bnMean, 40), "running_std", floatTensor(bnStd, 40));
            Obj id = module("nn.Identity", "train", train);
            Obj fc = module("nn.Linear", "weight", floatTensor(fcW, 2, 40), "train", train);
            return sequential(train, conv, th, viewM, bn, id, fc);
        }

        double[][] forward(double[][][][] x, boolean batchStatistics) {
            int n = x.length;
            double[][][][] v = new double[n][][][];
            for (int i = 0; i < n; i++) {
                v[i] = Literal.asMaps(Literal.flatten(Literal.relu(Literal.conv(x[i], kernel(convW, 2, 1, 2, 2), convB, 1, 1, 0, 0))));
            }
            double[][][][] b = new double[n][][][];
            for (int i = 0; i < n; i++) {
                b[i] = Literal.batchNormInvStd(v[i], bnMean, bnStd, null, null);
            }
            if (batchStatistics) {
                b = Literal.batchNormBatch(v, EPS, null, null);
            }
            double[][] out = new double[n][];
            for (int i = 0; i < n; i++) {
                out[i] = Literal.linear(Literal.flatten(b[i]), matrix(fcW, 2, 40), null);
            }
            return out;
        }
    }
}
