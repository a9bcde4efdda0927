package org.visualbackprop.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.visualbackprop.explain.Attribution;
import org.visualbackprop.tensor.Tensor;

/**
 * LRP relevance of every input element, as an {@link InferenceEngine} returns it: float32 values with a
 * power-of-two scale per sample, {@code value = stored * 2^exponent(i)}, as {@link Attribution} keeps them (LRP with
 * epsilon = 100 shrinks relevance below float32's range over a deep net; PAPER-NOTES section 4). Immutable by
 * convention: {@link #scaled()} is not a copy.
 */
public final class Relevance {
    private final Tensor scaled;
    private final int[] exponents;
    private final int[] targets;
    private final Attribution values;

    /**
     * @param scaled    input-shaped stored values, {@code n x C x H x W}
     * @param exponents per sample, the power of two that scales its stored values
     * @param targets   per sample, the explained output index
     */
    public Relevance(Tensor scaled, int[] exponents, int[] targets) {
        this.scaled = Objects.requireNonNull(scaled, "scaled");
        int n = scaled.shape().n();
        if (exponents.length != n || targets.length != n) {
            throw new IllegalArgumentException("need one exponent and one target per sample: got " + exponents.length + " and "
                    + targets.length + " for a batch of " + n);
        }
        this.exponents = exponents.clone();
        this.targets = targets.clone();
        this.values = Attribution.of("lrp", scaled, this.exponents, this.targets, Attribution.Reduction.SUM);
    }

    /** The relevance of a core {@link Attribution} (its stored values are not copied). */
    public static Relevance of(Attribution a) {
        int n = a.size();
        int[] e = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            e[i] = a.exponent(i);
            t[i] = a.target(i);
        }
        return new Relevance(a.scaled(), e, t);
    }

    /** The relevance of consecutive parts of one batch, joined along the batch axis. */
    public static Relevance concat(List<Relevance> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Tensor> ts = new ArrayList<>();
        int n = 0;
        for (Relevance p : parts) {
            ts.add(p.scaled);
            n += p.size();
        }
        int[] e = new int[n];
        int[] t = new int[n];
        int off = 0;
        for (Relevance p : parts) {
            System.arraycopy(p.exponents, 0, e, off, p.size());
            System.arraycopy(p.targets, 0, t, off, p.size());
            off += p.size();
        }
        return new Relevance(Tensor.stack(ts), e, t);
    }

    /** Batch size. */
    public int size() {
        return exponents.length;
    }

    /** Input-shaped stored values; multiply sample i by {@code 2^exponent(i)}. Not a copy. */
    public Tensor scaled() {
        return scaled;
    }

    /** The power of two that scales sample {@code i}'s stored values. */
    public int exponent(int i) {
        return exponents[i];
    }

    /** The explained output index of sample {@code i}. */
    public int target(int i) {
        return targets[i];
    }

    /** Value of input element {@code (i, c, y, x)} in double precision. */
    public double value(int i, int c, int y, int x) {
        return values.value(i, c, y, x);
    }

    /** Sample {@code i}'s map at input resolution ({@code H * W} values in row order), summed over input channels. */
    public double[] map(int i) {
        return values.map(i);
    }

    /** Sum of sample {@code i}'s relevance: what reached the input. */
    public double total(int i) {
        return values.total(i);
    }
}
