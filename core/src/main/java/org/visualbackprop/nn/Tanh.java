package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Hyperbolic tangent, {@code y = tanh(x)}, gradient {@code 1 - y^2}. */
public final class Tanh implements Layer {
    private Tanh() {
    }

    public static Tanh of() {
        return new Tanh();
    }

    @Override
    public String kind() {
        return "Tanh";
    }

    @Override
    public Shape outputShape(Shape in) {
        return in;
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        float[] x = in.data();
        float[] y = out.data();
        for (int i = 0; i < x.length; i++) {
            y[i] = (float) Math.tanh(x[i]);
        }
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        if (gradIn == null) {
            return;
        }
        float[] y = out.data();
        float[] dy = gradOut.data();
        float[] dx = gradIn.data();
        for (int i = 0; i < y.length; i++) {
            dx[i] = dy[i] * (1f - y[i] * y[i]);
        }
    }

    @Override
    public List<Setting> settings() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Tanh";
    }
}
