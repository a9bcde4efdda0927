package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.compute.Elementwise;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Batch normalization over the channels of feature maps (Ioffe and Szegedy 2015), also applied to feature
 * vectors ({@code h = w = 1}).
 * {@code y = (x - mean[c]) / sqrt(var[c] + eps) * gamma[c] + beta[c]}, where mean and (biased) variance are
 * taken over batch, height and width in {@link Mode#TRAIN} and {@link Mode#BATCH_STATISTICS}, and are the running
 * averages in {@link Mode#EVAL}. In training mode the running averages are updated as
 * {@code running = (1 - momentum) * running + momentum * batch}, with the unbiased batch variance
 * ({@code m / (m - 1)} times the biased one, {@code m = n*h*w}), as Torch and PyTorch do.
 */
public final class BatchNorm2d implements Layer {
    /** Default epsilon, as in Torch and PyTorch. */
    public static final float DEFAULT_EPS = 1e-5f;
    /** Default momentum of the running averages, as in Torch and PyTorch. */
    public static final float DEFAULT_MOMENTUM = 0.1f;

    private final int channels;
    private final float eps;
    private final float momentum;
    private final Parameter gamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    // kept from the last forward with batch statistics, for backward
    private float[] batchMean = new float[0];
    private float[] batchInvStd = new float[0];

    private BatchNorm2d(int channels, float eps, float momentum, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar) {
        if (channels < 1) {
            throw new ShapeException("BatchNorm2d needs >= 1 channel, got " + channels);
        }
        if (!(eps > 0) || !Float.isFinite(eps)) {
            throw new IllegalArgumentException("BatchNorm2d epsilon must be > 0, got " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("BatchNorm2d momentum must lie in [0, 1], got " + momentum);
        }
        Shape s = Shape.vector(1, channels);
        for (Tensor t : new Tensor[] {gamma, beta, runningMean, runningVar}) {
            if (!t.shape().equals(s)) {
                throw new ShapeException("BatchNorm2d(" + channels + ") tensors must have shape " + s + ", got " + t.shape());
            }
        }
        for (float v : runningVar.data()) {
            if (!(v >= 0) || !Float.isFinite(v)) {
                throw new IllegalArgumentException("BatchNorm2d running variance must be finite and >= 0, got " + v);
            }
        }
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.gamma = Parameter.of("weight", gamma, false);
        this.beta = Parameter.of("bias", beta, false);
        this.runningMean = runningMean;
        this.runningVar = runningVar;
    }

    /** Identity at the start: gamma 1, beta 0, running mean 0, running variance 1. */
    public static BatchNorm2d of(int channels) {
        Tensor ones = Tensor.zeros(Shape.vector(1, Math.max(1, channels)));
        ones.fillInPlace(1f);
        return new BatchNorm2d(channels, DEFAULT_EPS, DEFAULT_MOMENTUM, ones.copy(), Tensor.zeros(ones.shape()),
                Tensor.zeros(ones.shape()), ones);
    }

    /** A layer with given tensors (each {@code 1 x channels x 1 x 1}, copied). */
    public static BatchNorm2d withStatistics(float eps, float momentum, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar) {
        return new BatchNorm2d(gamma.shape().c(), eps, momentum, gamma.copy(), beta.copy(), runningMean.copy(), runningVar.copy());
    }

    public int channels() {
        return channels;
    }

    public float eps() {
        return eps;
    }

    public float momentum() {
        return momentum;
    }

    public Parameter gamma() {
        return gamma;
    }

    public Parameter beta() {
        return beta;
    }

    /** Running mean (not a copy). */
    public Tensor runningMean() {
        return runningMean;
    }

    /** Running variance (not a copy). */
    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public String kind() {
        return "BatchNorm2d";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (in.c() != channels) {
            throw new ShapeException("BatchNorm2d expects " + channels + " channels, got " + in.c() + " (input shape " + in + ")");
        }
        return in;
    }

    /**
     * The per-channel affine map {@code y = scale[c] * x + shift[c]} this layer applies in evaluation mode
     * (used to fold it into a neighbouring linear layer).
     *
     * @return {@code {scale, shift}}
     */
    public float[][] evalAffine() {
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            float inv = (float) (1.0 / Math.sqrt(runningVar.data()[c] + eps));
            scale[c] = gamma.value().data()[c] * inv;
            shift[c] = beta.value().data()[c] - runningMean.data()[c] * scale[c];
        }
        return new float[][] {scale, shift};
    }

    /**
     * The affine map of the last forward pass: running statistics in {@link Mode#EVAL}, the statistics of that
     * batch otherwise. Valid after a forward pass in that mode.
     */
    public float[][] lastAffine(Mode mode) {
        if (!mode.batchStatistics()) {
            return evalAffine();
        }
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = gamma.value().data()[c] * batchInvStd[c];
            shift[c] = beta.value().data()[c] - batchMean[c] * scale[c];
        }
        return new float[][] {scale, shift};
    }

    /**
     * The per-channel affine map {@code y = scale[c] * x + shift[c]} this layer applies to {@code input} in
     * {@code mode}: the running statistics in {@link Mode#EVAL}, the statistics of {@code input} itself otherwise
     * (recomputed here, so it does not depend on which batch went through last). Explanations use it to fold the
     * layer into a neighbour or to treat it as its own linear step.
     *
     * @return {@code {scale, shift}}
     */
    public float[][] affine(Tensor input, Mode mode) {
        if (!mode.batchStatistics()) {
            return evalAffine();
        }
        Shape s = outputShape(input.shape());
        int plane = s.plane();
        long m = (long) s.n() * plane;
        float[] x = input.data();
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sum = 0;
            for (int i = 0; i < s.n(); i++) {
                int o = (i * channels + c) * plane;
                for (int q = 0; q < plane; q++) {
                    sum += x[o + q];
                }
            }
            double mean = sum / m;
            double sq = 0;
            for (int i = 0; i < s.n(); i++) {
                int o = (i * channels + c) * plane;
                for (int q = 0; q < plane; q++) {
                    double d = x[o + q] - mean;
                    sq += d * d;
                }
            }
            float inv = (float) (1.0 / Math.sqrt(sq / m + eps));
            scale[c] = gamma.value().data()[c] * inv;
            shift[c] = beta.value().data()[c] - (float) mean * scale[c];
        }
        return new float[][] {scale, shift};
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        Shape s = in.shape();
        int n = s.n();
        int plane = s.plane();
        float[] x = in.data();
        float[] y = out.data();
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        if (mode.batchStatistics()) {
            long m = (long) n * plane;
            if (m < 2) {
                throw new IllegalArgumentException("BatchNorm2d with batch statistics needs more than one value per channel, got "
                        + in.shape() + " (a batch of one feature vector): use a larger batch, or evaluation mode");
            }
            if (batchMean.length != channels) {
                batchMean = new float[channels];
                batchInvStd = new float[channels];
            }
            Parallel.forRange(channels, 1, (c0, c1) -> {
                double[] sums = new double[2];
                for (int c = c0; c < c1; c++) {
                    // one pass: sums of x - shift and its square, the shift (a value of the channel) keeping the
                    // subtraction E[d^2] - E[d]^2 well conditioned
                    float s0 = x[c * plane];
                    sums[0] = 0;
                    sums[1] = 0;
                    for (int i = 0; i < n; i++) {
                        Elementwise.shiftedSums(x, (i * channels + c) * plane, plane, s0, sums);
                    }
                    double meanShifted = sums[0] / m;
                    double mean = s0 + meanShifted;
                    double var = Math.max(0, sums[1] / m - meanShifted * meanShifted);
                    batchMean[c] = (float) mean;
                    batchInvStd[c] = (float) (1.0 / Math.sqrt(var + eps));
                    if (mode == Mode.TRAIN) {
                        double unbiased = m > 1 ? var * m / (m - 1) : var;
                        runningMean.data()[c] = (float) ((1 - momentum) * runningMean.data()[c] + momentum * mean);
                        runningVar.data()[c] = (float) ((1 - momentum) * runningVar.data()[c] + momentum * unbiased);
                    }
                }
            });
            float[][] a = lastAffine(mode);
            System.arraycopy(a[0], 0, scale, 0, channels);
            System.arraycopy(a[1], 0, shift, 0, channels);
        } else {
            float[][] a = evalAffine();
            System.arraycopy(a[0], 0, scale, 0, channels);
            System.arraycopy(a[1], 0, shift, 0, channels);
        }
        Parallel.forRange(n * channels, Math.max(1, 16384 / plane), (j0, j1) -> {
            for (int j = j0; j < j1; j++) {
                int c = j % channels;
                Elementwise.affine(x, j * plane, scale[c], shift[c], y, j * plane, plane);
            }
        });
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        Shape s = in.shape();
        int n = s.n();
        int plane = s.plane();
        float[] x = in.data();
        float[] dy = gradOut.data();
        float[] g = gamma.value().data();
        float[] dGamma = gamma.grad().data();
        float[] dBeta = beta.grad().data();
        boolean batch = mode.batchStatistics();
        float[][] eval = batch ? null : evalAffine();
        Parallel.forRange(channels, 1, (c0, c1) -> {
            double[] sums = new double[2];
            for (int c = c0; c < c1; c++) {
                float mean = batch ? batchMean[c] : runningMean.data()[c];
                double inv = batch ? batchInvStd[c] : 1.0 / Math.sqrt(runningVar.data()[c] + eps);
                sums[0] = 0;
                sums[1] = 0;
                for (int i = 0; i < n; i++) {
                    int o = (i * channels + c) * plane;
                    Elementwise.gradientSums(dy, o, x, o, plane, mean, sums);
                }
                double sumDy = sums[0];
                double sumDyXhat = sums[1] * inv;
                if (parameterGradients) {
                    dGamma[c] += (float) sumDyXhat;
                    dBeta[c] += (float) sumDy;
                }
                if (gradIn == null) {
                    continue;
                }
                float[] dx = gradIn.data();
                if (batch) {
                    // dx = gamma * inv / m * (m * dy - sum(dy) - xhat * sum(dy * xhat)), xhat = (x - mean) * inv:
                    // an affine map of dy and x - mean per channel, dx = a dy + b (x - mean) + c
                    double m = (double) n * plane;
                    double k = g[c] * inv / m;
                    float a = (float) (k * m);
                    float b = (float) (-k * inv * sumDyXhat);
                    float cc = (float) (-k * sumDy);
                    for (int i = 0; i < n; i++) {
                        int o = (i * channels + c) * plane;
                        Elementwise.affine2(dy, o, x, o, mean, a, b, cc, dx, o, plane);
                    }
                } else {
                    float a = eval[0][c];
                    for (int i = 0; i < n; i++) {
                        int o = (i * channels + c) * plane;
                        Elementwise.affine(dy, o, a, 0f, dx, o, plane);
                    }
                }
            }
        });
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public List<NamedTensor> buffers() {
        return List.of(new NamedTensor("running_mean", runningMean), new NamedTensor("running_var", runningVar));
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.of("channels", channels), Setting.of("eps", eps), Setting.of("momentum", momentum));
    }

    @Override
    public String toString() {
        return "BatchNorm2d(" + channels + ")";
    }
}
