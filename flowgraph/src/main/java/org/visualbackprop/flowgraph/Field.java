package org.visualbackprop.flowgraph;

import java.util.Objects;
import org.visualbackprop.explain.Arithmetic;

/**
 * The arithmetic the flow graph computes in: a field with an order (so ReLU, {@code max(0, x)}, can be decided).
 * Two implementations: {@link #DOUBLE} (IEEE double precision) and {@link #RATIONAL} (exact fractions of
 * {@link java.math.BigInteger}s, see {@link Rational}). In the rational field a small network with small-integer
 * weights, biases and inputs is evaluated exactly, the forward pass included, so every ReLU decision is exact and the
 * statements of Section 4 can be checked for equality, not closeness.
 *
 * <p>Implementations are stateless and thread-safe; values are immutable.
 *
 * @param <T> the number type
 */
public interface Field<T> {
    /** Double precision: fast, rounded. */
    Field<Double> DOUBLE = new DoubleField();

    /** Exact rational numbers. */
    Field<Rational> RATIONAL = Rational.FIELD;

    /** {@code "double"} or {@code "rational"}. */
    String name();

    /** True when no operation rounds. */
    boolean isExact();

    T zero();

    T one();

    /** The integer {@code v}. */
    T fromLong(long v);

    /**
     * The value {@code v}; exact in {@link #RATIONAL} (every finite double is a fraction whose denominator is a power of
     * two, so a float32 weight of a core network becomes exactly the rational number it stands for).
     *
     * @throws IllegalArgumentException for NaN or infinity
     */
    T fromDouble(double v);

    T add(T a, T b);

    T subtract(T a, T b);

    T multiply(T a, T b);

    /**
     * {@code a / b}.
     *
     * @throws ArithmeticException when {@code b} is zero
     */
    T divide(T a, T b);

    /** -1, 0 or 1. */
    int signum(T a);

    /** The nearest double (rational: correct to the last few bits). */
    double toDouble(T a);

    /** A new array of {@code n} elements (nulls). */
    T[] newArray(int n);

    /** True when {@code a} is zero. */
    default boolean isZero(T a) {
        return signum(a) == 0;
    }

    /** {@code max(0, a)}: the ReLU. */
    default T relu(T a) {
        return signum(a) > 0 ? a : zero();
    }

    /**
     * {@code a / z} with the convention {@code x / 0 := 0} that Lemma 3 needs (docs/paper-notes.md, section 3): a dead target
     * ({@code a = 0}) passes nothing. A live target with {@code z = 0} (possible only when its bias {@code b_v < 0})
     * also gets 0; {@link FlowGraph#undefinedRatios()} counts such nodes, where the statements that divide by
     * {@code z} do not apply.
     */
    default T ratio(T a, T z) {
        return isZero(z) ? zero() : divide(a, z);
    }

    /** {@code -a}. */
    default T negate(T a) {
        return subtract(zero(), a);
    }

    /** Readable text for a value: {@code "3/4"}, {@code "-2"}, {@code "0.125"}. */
    default String format(T a) {
        return String.valueOf(a);
    }

    /** Equality of values (for doubles: {@code ==}, so {@code -0.0} equals {@code 0.0}). */
    default boolean same(T a, T b) {
        return signum(subtract(a, b)) == 0;
    }

    /**
     * This field as core's {@link Arithmetic}, so that {@code VisualBackProp.rawMask} (the same algorithm as the
     * float implementation) runs in it.
     */
    default Arithmetic<T> arithmetic() {
        Field<T> f = this;
        return new Arithmetic<>() {
            @Override
            public T zero() {
                return f.zero();
            }

            @Override
            public T add(T a, T b) {
                return f.add(a, b);
            }

            @Override
            public T multiply(T a, T b) {
                return f.multiply(a, b);
            }

            @Override
            public T divide(T a, int d) {
                return f.divide(a, f.fromLong(d));
            }
        };
    }

    /** The double-precision field. */
    final class DoubleField implements Field<Double> {
        private static final Double ZERO = 0.0;
        private static final Double ONE = 1.0;

        private DoubleField() {
        }

        @Override
        public String name() {
            return "double";
        }

        @Override
        public boolean isExact() {
            return false;
        }

        @Override
        public Double zero() {
            return ZERO;
        }

        @Override
        public Double one() {
            return ONE;
        }

        @Override
        public Double fromLong(long v) {
            return (double) v;
        }

        @Override
        public Double fromDouble(double v) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("not a finite number: " + v);
            }
            return v;
        }

        @Override
        public Double add(Double a, Double b) {
            return a + b;
        }

        @Override
        public Double subtract(Double a, Double b) {
            return a - b;
        }

        @Override
        public Double multiply(Double a, Double b) {
            return a * b;
        }

        @Override
        public Double divide(Double a, Double b) {
            if (b == 0.0) {
                throw new ArithmeticException("division by zero: " + a + " / " + b);
            }
            return a / b;
        }

        @Override
        public int signum(Double a) {
            return a > 0 ? 1 : a < 0 ? -1 : 0;
        }

        @Override
        public double toDouble(Double a) {
            return Objects.requireNonNull(a);
        }

        @Override
        public Double[] newArray(int n) {
            return new Double[n];
        }

        @Override
        public String format(Double a) {
            double v = a;
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }

        @Override
        public String toString() {
            return "Field.DOUBLE";
        }
    }
}
