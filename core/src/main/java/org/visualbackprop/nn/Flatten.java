package org.visualbackprop.nn;

import java.util.List;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/** Turns {@code n x c x h x w} feature maps into {@code n x (c*h*w) x 1 x 1} feature vectors (row-major order kept). */
public final class Flatten implements Layer {
    private Flatten() {
    }

    public static Flatten of() {
        return new Flatten();
    }

    @Override
    public String kind() {
        return "Flatten";
    }

    @Override
    public Shape outputShape(Shape in) {
        return Shape.vector(in.n(), in.sampleSize());
    }

    @Override
    public void forward(Tensor in, Tensor out, Mode mode) {
        checkShapes(in, out, null, null);
        System.arraycopy(in.data(), 0, out.data(), 0, in.data().length);
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        if (gradIn != null) {
            System.arraycopy(gradOut.data(), 0, gradIn.data(), 0, gradOut.data().length);
        }
    }

    @Override
    public List<Setting> settings() {
        return List.of();
    }

    @Override
    public String toString() {
        return "Flatten";
    }
}
