package org.visualbackprop.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;

/**
 * Central finite differences, checked against an analytic gradient, in two flavours:
 * <ul>
 * <li>{@link #checkFloat}: differences of a float32 computation itself. The function is accumulated in double from
 *     the float32 outputs and the step actually taken is {@code (float)(v + h) - (float)(v - h)}, not {@code 2h};
 *     the function must be smooth over the step (no kink crossed), which the caller ensures by its choice of inputs.
 * <li>{@link #checkExact}: differences of a double-precision evaluation (such as {@link LiteralNetwork}) with a tiny
 *     step, for functions with kinks: a coordinate whose difference changes the evaluation's kink pattern (ReLU
 *     signs, max pooling winners) is skipped, and at most a quarter may be.
 * </ul>
 * Comparisons are relative to the largest analytic gradient of the tensor checked:
 * {@code |numeric - analytic| <= tol * max_i |analytic_i|}.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    /** What one check found: coordinates checked and skipped, the worst absolute error, the gradient's scale. */
    public record Report(int checked, int skipped, double worstError, double scale) {
    }

    /** A function evaluated with one coordinate moved by {@code delta}, with its kink pattern (or null). */
    public interface Perturbed {
        Value at(int coordinate, double delta);
    }

    /** A function value and the kink pattern where it was taken (compared with {@code equals}; null if smooth). */
    public record Value(double value, Object kinks) {
    }

    /**
     * Differences of a float32 computation: {@code f} is evaluated after setting {@code values[i]} to
     * {@code (float)(v ± h)}; the values are restored afterwards.
     *
     * @param values modified during the check, restored
     */
    public static Report checkFloat(float[] values, float[] analytic, DoubleSupplier f, double step, int maxCoords,
                                    SplittableRandom random, double tol, String what) {
        return check(values.length, analytic, (i, delta) -> {
            float v = values[i];
            values[i] = (float) (v + delta);
            double r = f.getAsDouble();
            values[i] = v;
            return new Value(r, null);
        }, (i, h) -> {
            float v = values[i];
            return (double) (float) (v + h) - (double) (float) (v - h);
        }, step, maxCoords, random, tol, what);
    }

    /** Differences of a double-precision function of {@code size} coordinates, step {@code 2h}, kinks skipped. */
    public static Report checkExact(int size, float[] analytic, Perturbed f, double step, int maxCoords,
                                    SplittableRandom random, double tol, String what) {
        return check(size, analytic, f, (i, h) -> 2 * h, step, maxCoords, random, tol, what);
    }

    private interface StepTaken {
        double of(int coordinate, double h);
    }

    private static Report check(int size, float[] analytic, Perturbed f, StepTaken taken, double step, int maxCoords,
                                SplittableRandom random, double tol, String what) {
        int[] coords = new int[size];
        for (int i = 0; i < size; i++) {
            coords[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = coords[i];
            coords[i] = coords[j];
            coords[j] = t;
        }
        int count = Math.min(size, maxCoords);
        double scale = 0;
        for (float a : analytic) {
            scale = Math.max(scale, Math.abs(a));
        }
        Object base = f.at(0, 0).kinks();
        int checked = 0;
        int skipped = 0;
        double worst = 0;
        StringBuilder failures = new StringBuilder();
        for (int c = 0; c < count; c++) {
            int i = coords[c];
            Value plus = f.at(i, step);
            Value minus = f.at(i, -step);
            if (base != null && !(base.equals(plus.kinks()) && base.equals(minus.kinks()))) {
                skipped++;
                continue;
            }
            double numeric = (plus.value() - minus.value()) / taken.of(i, step);
            double err = Math.abs(numeric - analytic[i]);
            worst = Math.max(worst, err);
            checked++;
            if (!(err <= tol * scale) && failures.length() < 2000) {
                failures.append("\n  coordinate ").append(i).append(": backward ").append(analytic[i])
                        .append(", central difference ").append(numeric);
            }
        }
        if (failures.length() > 0) {
            fail(what + ": gradient differs from central differences (step " + step + ", tolerance " + tol
                    + " of the largest gradient " + scale + ")" + failures);
        }
        assertTrue(checked > 0 && skipped <= count / 4, what + ": too many coordinates sit on a kink ("
                + skipped + " of " + count + " skipped)");
        return new Report(checked, skipped, worst, scale);
    }
}
