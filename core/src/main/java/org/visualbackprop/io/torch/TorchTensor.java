package org.visualbackprop.io.torch;

import java.util.Arrays;

/**
 * A Torch7 tensor: a strided view of a {@link TorchStorage}. Element {@code (i_1, ..., i_d)} (0-based here) is
 * storage element {@code offset + sum_k i_k * stride_k}, where {@code offset} is the file's 1-based storage offset
 * minus one. In Torch7 a tensor of dimension 0 is empty (it has no elements; it is not a scalar).
 *
 * <p>{@link #toFloats()} and its siblings give the elements densely in row-major order (the last index varies
 * fastest), honouring strides and offset; the view is checked against the storage's length when read, so they never
 * index outside it. Compares by identity. Immutable.
 */
public final class TorchTensor {
    private final String className;
    private final long[] size;
    private final long[] stride;
    private final long offset;
    private final TorchStorage storage;
    private final int count;

    TorchTensor(String className, long[] size, long[] stride, long offset, TorchStorage storage) {
        String problem = checkView(size, stride, offset, storage);
        if (problem != null) {
            throw new IllegalArgumentException(className + ": " + problem);
        }
        this.className = className;
        this.size = size.clone();
        this.stride = stride.clone();
        this.offset = offset;
        this.storage = storage;
        this.count = (int) elementCount(size);
    }

    /**
     * Why a view does not fit its storage, or null when it does.
     *
     * @param offset 0-based storage offset
     */
    static String checkView(long[] size, long[] stride, long offset, TorchStorage storage) {
        if (size.length != stride.length) {
            return size.length + " sizes but " + stride.length + " strides";
        }
        for (int k = 0; k < size.length; k++) {
            if (size[k] < 0 || stride[k] < 0) {
                return "negative size or stride (sizes " + Arrays.toString(size) + ", strides " + Arrays.toString(stride) + ")";
            }
        }
        if (offset < 0) {
            return "storage offset " + (offset + 1) + " (1-based) is below 1";
        }
        long n = elementCount(size);
        if (n < 0 || n > Integer.MAX_VALUE - 8) {
            return "sizes " + Arrays.toString(size) + " give more elements than a Java array holds";
        }
        if (n == 0) {
            return null;
        }
        if (storage == null) {
            return "a tensor of " + n + " elements (sizes " + Arrays.toString(size) + ") has no storage";
        }
        long last = offset;
        try {
            for (int k = 0; k < size.length; k++) {
                last = Math.addExact(last, Math.multiplyExact(size[k] - 1, stride[k]));
            }
        } catch (ArithmeticException e) {
            last = Long.MAX_VALUE;
        }
        if (last >= storage.length()) {
            return "the view (sizes " + Arrays.toString(size) + ", strides " + Arrays.toString(stride) + ", offset "
                    + (offset + 1) + ") reaches element " + (last == Long.MAX_VALUE ? "beyond 2^63" : Long.toString(last + 1))
                    + " of a " + storage.className() + " of " + storage.length() + " elements";
        }
        return null;
    }

    /** Product of the sizes (0 for dimension 0, as Torch7 counts), or -1 when it overflows a long. */
    static long elementCount(long[] size) {
        if (size.length == 0) {
            return 0;
        }
        long n = 1;
        for (long s : size) {
            if (s == 0) {
                return 0;
            }
        }
        for (long s : size) {
            try {
                n = Math.multiplyExact(n, s);
            } catch (ArithmeticException e) {
                return -1;
            }
        }
        return n;
    }

    /** The class name, such as {@code "torch.CudaTensor"}. */
    public String className() {
        return className;
    }

    /** Number of dimensions (0 for an empty tensor). */
    public int dim() {
        return size.length;
    }

    /** The sizes (a copy). */
    public long[] size() {
        return size.clone();
    }

    /** Size of dimension {@code k} (0-based). */
    public long size(int k) {
        return size[k];
    }

    /** The strides, in elements (a copy). */
    public long[] stride() {
        return stride.clone();
    }

    /** The storage offset, 0-based (the file stores it 1-based). */
    public long storageOffset() {
        return offset;
    }

    /** The storage, or null for a tensor without elements that has none. */
    public TorchStorage storage() {
        return storage;
    }

    /** Number of elements: the product of the sizes, 0 for dimension 0. */
    public int elementCount() {
        return count;
    }

    /** True when the elements lie one after another in the storage, in row-major order. */
    public boolean isContiguous() {
        long expected = 1;
        for (int k = size.length - 1; k >= 0; k--) {
            if (size[k] != 1 && stride[k] != expected) {
                return false;
            }
            expected *= size[k];
        }
        return true;
    }

    /** Storage index of every element in row-major order. */
    private int[] indices() {
        int[] idx = new int[count];
        if (count == 0) {
            return idx;
        }
        int d = size.length;
        long[] pos = new long[d];
        long at = offset;
        for (int i = 0; i < count; i++) {
            idx[i] = (int) at;
            for (int k = d - 1; k >= 0; k--) {
                if (++pos[k] < size[k]) {
                    at += stride[k];
                    break;
                }
                at -= (size[k] - 1) * stride[k];
                pos[k] = 0;
            }
        }
        return idx;
    }

    /** The elements in row-major order as floats (see {@link TorchStorage#getFloat}); a new array. */
    public float[] toFloats() {
        float[] out = new float[count];
        int[] idx = indices();
        for (int i = 0; i < count; i++) {
            out[i] = storage.getFloat(idx[i]);
        }
        return out;
    }

    /** The elements in row-major order as doubles (see {@link TorchStorage#getDouble}); a new array. */
    public double[] toDoubles() {
        double[] out = new double[count];
        int[] idx = indices();
        for (int i = 0; i < count; i++) {
            out[i] = storage.getDouble(idx[i]);
        }
        return out;
    }

    /** The elements in row-major order as longs (see {@link TorchStorage#getLong}); a new array. */
    public long[] toLongs() {
        long[] out = new long[count];
        int[] idx = indices();
        for (int i = 0; i < count; i++) {
            out[i] = storage.getLong(idx[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return className + Arrays.toString(size);
    }
}
