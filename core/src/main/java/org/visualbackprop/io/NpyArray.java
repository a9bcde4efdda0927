package org.visualbackprop.io;

import java.util.Arrays;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/**
 * An array read from a NumPy {@code .npy} file: its shape and values. Float64 files keep their doubles
 * ({@link #doubles()}); {@link #floats()} rounds them to float32.
 *
 * @param shape  dimensions, C order (row-major)
 * @param dtype  {@code "<f4"} or {@code "<f8"} (the byte order of the file is already undone)
 */
public record NpyArray(int[] shape, String dtype, float[] floatData, double[] doubleData) {

    public NpyArray {
        shape = shape.clone();
    }

    /** Number of elements. */
    public int size() {
        return floatData != null ? floatData.length : doubleData.length;
    }

    /** The values as float32 (rounded when the file held float64). */
    public float[] floats() {
        if (floatData != null) {
            return floatData.clone();
        }
        float[] f = new float[doubleData.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) doubleData[i];
        }
        return f;
    }

    /** The values as float64 (exact for either file type). */
    public double[] doubles() {
        if (doubleData != null) {
            return doubleData.clone();
        }
        double[] d = new double[floatData.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = floatData[i];
        }
        return d;
    }

    /**
     * The array as a tensor: 4 dimensions are taken as {@code n x c x h x w}, 3 as {@code c x h x w}, 2 as
     * {@code h x w}, 1 as a feature vector.
     */
    public Tensor toTensor() {
        Shape s = switch (shape.length) {
            case 4 -> new Shape(shape[0], shape[1], shape[2], shape[3]);
            case 3 -> new Shape(1, shape[0], shape[1], shape[2]);
            case 2 -> new Shape(1, 1, shape[0], shape[1]);
            case 1 -> Shape.vector(1, shape[0]);
            default -> throw new ShapeException("a tensor needs a .npy array of 1 to 4 dimensions, got " + Arrays.toString(shape));
        };
        return Tensor.wrap(s, floats());
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape) + " " + dtype;
    }
}
