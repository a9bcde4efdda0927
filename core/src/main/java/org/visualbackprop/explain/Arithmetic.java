package org.visualbackprop.explain;

/**
 * The four operations VisualBackProp needs, over any number type: lets the same algorithm run in exact rational
 * arithmetic ({@link VisualBackProp#rawMask(VbpPlan, java.util.List, Arithmetic, java.util.function.IntFunction)}),
 * which the theory checks use.
 */
public interface Arithmetic<T> {
    T zero();

    T add(T a, T b);

    T multiply(T a, T b);

    /** {@code a / d} for a positive integer {@code d}. */
    T divide(T a, int d);

    /** Double precision. */
    Arithmetic<Double> DOUBLE = new Arithmetic<>() {
        @Override
        public Double zero() {
            return 0.0;
        }

        @Override
        public Double add(Double a, Double b) {
            return a + b;
        }

        @Override
        public Double multiply(Double a, Double b) {
            return a * b;
        }

        @Override
        public Double divide(Double a, int d) {
            return a / d;
        }
    };
}
