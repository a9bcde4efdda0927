package org.visualbackprop.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.compute.Sgemm;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Fully connected layer on feature vectors: {@code out[n, o] = b[o] + sum_i W[o, i] * in[n, i]}.
 * Weights have shape {@code out x in x 1 x 1}. The input must be a feature vector ({@code n x in x 1 x 1});
 * put a {@link Flatten} before it after convolutions.
 */
public final class Dense implements Layer {
    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;

    private Dense(int in, int out, Tensor weight, Tensor bias) {
        this.inFeatures = in;
        this.outFeatures = out;
        this.weight = Parameter.of("weight", weight, true);
        this.bias = bias == null ? null : Parameter.of("bias", bias, false);
    }

    /** He-uniform weights (bound {@code sqrt(6 / in)}), zero bias. */
    public static Dense of(int in, int out, SplittableRandom random) {
        return of(in, out, true, random);
    }

    /** As {@link #of(int, int, SplittableRandom)}, with or without a bias. */
    public static Dense of(int in, int out, boolean withBias, SplittableRandom random) {
        if (in < 1 || out < 1) {
            throw new ShapeException("Dense needs >= 1 input and output features, got " + in + " -> " + out);
        }
        float bound = (float) Math.sqrt(6.0 / in);
        return new Dense(in, out, Tensor.uniform(new Shape(out, in, 1, 1), -bound, bound, random),
                withBias ? Tensor.zeros(Shape.vector(1, out)) : null);
    }

    /** A layer with given tensors (copied): weight {@code out x in x 1 x 1}, bias {@code 1 x out x 1 x 1} or null. */
    public static Dense withWeights(Tensor weight, Tensor bias) {
        Shape s = weight.shape();
        if (!s.isVector()) {
            throw new ShapeException("Dense weight must have shape [out, in, 1, 1], got " + s);
        }
        if (bias != null && !bias.shape().equals(Shape.vector(1, s.n()))) {
            throw new ShapeException("Dense bias must have shape " + Shape.vector(1, s.n()) + ", got " + bias.shape());
        }
        return new Dense(s.c(), s.n(), weight.copy(), bias == null ? null : bias.copy());
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public String kind() {
        return "Dense";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.isVector()) {
            throw new ShapeException("Dense expects feature vectors [n, " + inFeatures + ", 1, 1], got " + in
                    + ": put a Flatten before it");
        }
        if (in.c() != inFeatures) {
            throw new ShapeException("Dense expects " + inFeatures + " input features, got " + in.c() + " (input shape " + in + ")");
        }
        return Shape.vector(in.n(), outFeatures);
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        int n = in.shape().n();
        float[] y = out.data();
        Sgemm.multiply(n, outFeatures, inFeatures, in.data(), 0, inFeatures, 1,
                weight.value().data(), 0, 1, inFeatures, y, 0, outFeatures, false);
        if (bias != null) {
            float[] b = bias.value().data();
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < outFeatures; o++) {
                    y[i * outFeatures + o] += b[o];
                }
            }
        }
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        int n = in.shape().n();
        float[] dy = gradOut.data();
        if (parameterGradients) {
            backwardParameters(n, in.data(), dy);
        }
        if (gradIn != null) {
            Sgemm.multiply(n, inFeatures, outFeatures, dy, 0, outFeatures, 1, weight.value().data(), 0, inFeatures, 1,
                    gradIn.data(), 0, inFeatures, false);
        }
    }

    private void backwardParameters(int n, float[] x, float[] dy) {
        Sgemm.multiply(outFeatures, inFeatures, n, dy, 0, 1, outFeatures, x, 0, inFeatures, 1,
                weight.grad().data(), 0, inFeatures, true);
        if (bias != null) {
            float[] db = bias.grad().data();
            for (int i = 0; i < n; i++) {
                for (int o = 0; o < outFeatures; o++) {
                    db[o] += dy[i * outFeatures + o];
                }
            }
        }
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> ps = new ArrayList<>(2);
        ps.add(weight);
        if (bias != null) {
            ps.add(bias);
        }
        return ps;
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.of("in", inFeatures), Setting.of("out", outFeatures), Setting.of("bias", bias != null));
    }

    @Override
    public String toString() {
        return "Dense(" + inFeatures + " -> " + outFeatures + ")";
    }
}
