package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * Log-softmax over the features of each sample: {@code y_i = x_i - log(sum_j exp(x_j))}, computed stably.
 * Gradient: {@code dx_i = dy_i - softmax_i * sum_j dy_j}.
 */
public final class LogSoftmax implements Layer {
    private LogSoftmax() {
    }

    public static LogSoftmax of() {
        return new LogSoftmax();
    }

    @Override
    public String kind() {
        return "LogSoftmax";
    }

    @Override
    public Shape outputShape(Shape in) {
        if (!in.isVector()) {
            throw new ShapeException("LogSoftmax expects feature vectors [n, classes, 1, 1], got " + in);
        }
        return in;
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        int n = in.shape().n();
        int k = in.shape().c();
        float[] x = in.data();
        float[] y = out.data();
        for (int i = 0; i < n; i++) {
            int o = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, x[o + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += Math.exp(x[o + j] - max);
            }
            float lse = (float) (max + Math.log(sum));
            for (int j = 0; j < k; j++) {
                y[o + j] = x[o + j] - lse;
            }
        }
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        if (gradIn == null) {
            return;
        }
        int n = in.shape().n();
        int k = in.shape().c();
        float[] y = out.data();
        float[] dy = gradOut.data();
        float[] dx = gradIn.data();
        for (int i = 0; i < n; i++) {
            int o = i * k;
            double s = 0;
            for (int j = 0; j < k; j++) {
                s += dy[o + j];
            }
            for (int j = 0; j < k; j++) {
                dx[o + j] = (float) (dy[o + j] - Math.exp(y[o + j]) * s);
            }
        }
    }

    @Override
    public List<Setting> settings() {
        return List.of();
    }

    @Override
    public String toString() {
        return "LogSoftmax";
    }
}
