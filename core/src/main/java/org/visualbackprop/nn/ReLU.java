package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.compute.Parallel;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Rectified linear unit, {@code y = max(0, x)}; the gradient is passed where {@code x > 0}. */
public final class ReLU implements Layer {
    private ReLU() {
    }

    public static ReLU of() {
        return new ReLU();
    }

    @Override
    public String kind() {
        return "ReLU";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        float[] x = in.data();
        float[] y = out.data();
        Parallel.forRange(x.length, 1 << 16, (a, b) -> {
            for (int i = a; i < b; i++) {
                y[i] = Math.max(0f, x[i]);
            }
        });
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        if (gradIn == null) {
            return;
        }
        float[] x = in.data();
        float[] dy = gradOut.data();
        float[] dx = gradIn.data();
        Parallel.forRange(x.length, 1 << 16, (a, b) -> {
            for (int i = a; i < b; i++) {
                dx[i] = x[i] > 0f ? dy[i] : 0f;
            }
        });
    }

    @Override
    public List<Setting> settings() {
        return List.of();
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
