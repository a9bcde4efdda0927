package org.visualbackprop.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;

/**
 * Inverted dropout: in {@link Mode#TRAIN} each value is zeroed with probability {@code p} and the others are
 * scaled by {@code 1 / (1 - p)}; in the other modes the layer is the identity. The mask comes from the layer's
 * own seeded random source ({@link #reseed}).
 */
public final class Dropout implements Layer {
    private final float p;
    private SplittableRandom random;
    private float[] mask = new float[0];

    private Dropout(float p, long seed) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("Dropout probability must lie in [0, 1), got " + p);
        }
        this.p = p;
        this.random = new SplittableRandom(seed);
    }

    public static Dropout of(float p, long seed) {
        return new Dropout(p, seed);
    }

    public float probability() {
        return p;
    }

    /** Restarts the random source. */
    public void reseed(long seed) {
        random = new SplittableRandom(seed);
    }

    @Override
    public String kind() {
        return "Dropout";
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
        if (mode != Mode.TRAIN || p == 0f) {
            System.arraycopy(x, 0, y, 0, x.length);
            return;
        }
        if (mask.length != x.length) {
            mask = new float[x.length];
        }
        float keep = 1f / (1f - p);
        for (int i = 0; i < x.length; i++) {
            mask[i] = random.nextDouble() < p ? 0f : keep;
            y[i] = x[i] * mask[i];
        }
    }

    @Override
    public void backward(Tensor in, Tensor out, Tensor gradOut, Tensor gradIn, Mode mode, boolean parameterGradients) {
        checkShapes(in, out, gradOut, gradIn);
        if (gradIn == null) {
            return;
        }
        float[] dy = gradOut.data();
        float[] dx = gradIn.data();
        if (mode != Mode.TRAIN || p == 0f) {
            System.arraycopy(dy, 0, dx, 0, dy.length);
            return;
        }
        for (int i = 0; i < dy.length; i++) {
            dx[i] = dy[i] * mask[i];
        }
    }

    @Override
    public List<Setting> settings() {
        return List.of(Setting.of("p", p));
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
