package org.visualbackprop.train;

import java.util.Locale;

/**
 * A learning-rate schedule: the factor by which the base learning rate is multiplied at each step (batch), from the
 * step number and the run's total number of steps. Every schedule here starts with an optional linear warm-up: over
 * the first {@code warmup} steps the factor rises as {@code (step + 1) / warmup} (so the first step is not taken at
 * zero rate, as in PyTorch's {@code LinearLR}); after it:
 * <ul>
 * <li>{@link #constant}: 1;</li>
 * <li>{@link #cosine}: {@code min + (1 - min) * (1 + cos(pi * t)) / 2}, {@code t} going from 0 at the end of the warm-up
 *     to 1 at the last step (Loshchilov and Hutter 2017, SGDR, one cycle without restarts; PyTorch's
 *     {@code CosineAnnealingLR} with {@code eta_min = min * lr});</li>
 * <li>{@link #step}: multiplied by {@code gamma} every {@code every} steps counted from the end of the warm-up
 *     (PyTorch's {@code StepLR}).</li>
 * </ul>
 */
public interface Schedule {
    /**
     * The factor at step {@code step} (0-based) of a run of {@code totalSteps} steps.
     *
     * @throws IllegalArgumentException when {@code step < 0} or {@code totalSteps < 1}
     */
    double factor(long step, long totalSteps);

    /** How the schedule reads in a model's provenance: {@code "cosine(warmup 100, min 0.0)"}. */
    String describe();

    /** No change, after an optional warm-up of {@code warmup} steps. */
    static Schedule constant(long warmup) {
        checkWarmup(warmup);
        return new Schedule() {
            @Override
            public double factor(long step, long totalSteps) {
                checkStep(step, totalSteps);
                return step < warmup ? warm(step, warmup) : 1.0;
            }

            @Override
            public String describe() {
                return "constant(warmup " + warmup + ")";
            }
        };
    }

    /** Linear warm-up over {@code warmup} steps, then cosine decay to {@code minFactor} at the last step. */
    static Schedule cosine(long warmup, double minFactor) {
        checkWarmup(warmup);
        if (!(minFactor >= 0 && minFactor <= 1)) {
            throw new IllegalArgumentException("the cosine schedule's floor must lie in [0, 1], got " + minFactor);
        }
        return new Schedule() {
            @Override
            public double factor(long step, long totalSteps) {
                checkStep(step, totalSteps);
                if (step < warmup) {
                    return warm(step, warmup);
                }
                long span = totalSteps - 1 - warmup;
                double t = span <= 0 ? 1.0 : Math.min(1.0, (double) (step - warmup) / span);
                return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
            }

            @Override
            public String describe() {
                return String.format(Locale.ROOT, "cosine(warmup %d, min %s)", warmup, minFactor);
            }
        };
    }

    /** Linear warm-up over {@code warmup} steps, then the factor is multiplied by {@code gamma} every {@code every} steps. */
    static Schedule step(long warmup, long every, double gamma) {
        checkWarmup(warmup);
        if (every < 1) {
            throw new IllegalArgumentException("the step schedule needs a period of >= 1 step, got " + every);
        }
        if (!(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("the step schedule's gamma must lie in (0, 1], got " + gamma);
        }
        return new Schedule() {
            @Override
            public double factor(long step, long totalSteps) {
                checkStep(step, totalSteps);
                if (step < warmup) {
                    return warm(step, warmup);
                }
                return Math.pow(gamma, (step - warmup) / every);
            }

            @Override
            public String describe() {
                return String.format(Locale.ROOT, "step(warmup %d, every %d, gamma %s)", warmup, every, gamma);
            }
        };
    }

    private static double warm(long step, long warmup) {
        return (double) (step + 1) / warmup;
    }

    private static void checkWarmup(long warmup) {
        if (warmup < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmup);
        }
    }

    private static void checkStep(long step, long totalSteps) {
        if (step < 0 || totalSteps < 1) {
            throw new IllegalArgumentException("need step >= 0 and total steps >= 1, got step " + step + " of " + totalSteps);
        }
    }
}
