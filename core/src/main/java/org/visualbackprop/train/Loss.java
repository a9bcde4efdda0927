package org.visualbackprop.train;

import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;

/** A training objective: its mean value over a batch and the gradient with respect to the prediction. */
public interface Loss {
    /** Short name: {@code "mse"}, {@code "nll"}. */
    String name();

    /**
     * The mean loss over the batch; writes its gradient with respect to {@code prediction} into {@code gradient}
     * when that is not null.
     *
     * @param prediction not modified
     * @param target     not modified
     * @param gradient   prediction-shaped or null; modified (overwritten)
     * @throws ShapeException when prediction and target do not fit together
     */
    double evaluate(Tensor prediction, Tensor target, Tensor gradient);

    /**
     * A quality figure to print beside the loss (root mean squared error for MSE, accuracy for NLL), in two steps
     * so that it can be gathered over batches: this returns a sum over the batch's samples, and
     * {@link #metric(double, int)} turns the sum over all samples into the figure.
     */
    double metricSum(Tensor prediction, Tensor target);

    /** The figure from the sum of {@link #metricSum} over {@code count} samples; the mean by default. */
    default double metric(double sum, int count) {
        return sum / count;
    }

    /** Name of {@link #metricSum}'s figure. */
    String metricName();

    /** Mean squared error over every output value: {@code mean((p - t)^2)}; gradient {@code 2 (p - t) / count}. */
    static Loss mse() {
        return new Loss() {
            @Override
            public String name() {
                return "mse";
            }

            @Override
            public double evaluate(Tensor prediction, Tensor target, Tensor gradient) {
                prediction.requireSameShape(target, "compute the MSE of");
                float[] p = prediction.data();
                float[] t = target.data();
                double s = 0;
                for (int i = 0; i < p.length; i++) {
                    double d = (double) p[i] - t[i];
                    s += d * d;
                    if (gradient != null) {
                        gradient.data()[i] = (float) (2 * d / p.length);
                    }
                }
                return s / p.length;
            }

            @Override
            public double metricSum(Tensor prediction, Tensor target) {
                // per-sample mean squared error, summed; the caller's mean of it gives the MSE, and RMSE after sqrt
                prediction.requireSameShape(target, "compute the MSE of");
                int n = prediction.shape().n();
                int k = prediction.shape().sampleSize();
                double s = 0;
                for (int i = 0; i < n * k; i++) {
                    double d = (double) prediction.data()[i] - target.data()[i];
                    s += d * d / k;
                }
                return s;
            }

            @Override
            public double metric(double sum, int count) {
                return Math.sqrt(sum / count);
            }

            @Override
            public String metricName() {
                return "rmse";
            }
        };
    }

    /**
     * Negative log-likelihood of log-probabilities ({@code n x classes}, as a LogSoftmax gives) for class indices
     * ({@code n x 1}): {@code -mean_i p[i, t_i]}.
     */
    static Loss nll() {
        return new Loss() {
            @Override
            public String name() {
                return "nll";
            }

            @Override
            public double evaluate(Tensor prediction, Tensor target, Tensor gradient) {
                int n = prediction.shape().n();
                int k = prediction.shape().sampleSize();
                check(prediction, target);
                if (gradient != null) {
                    gradient.fillInPlace(0f);
                }
                double s = 0;
                for (int i = 0; i < n; i++) {
                    int c = classOf(target, i, k);
                    s -= prediction.data()[i * k + c];
                    if (gradient != null) {
                        gradient.data()[i * k + c] = -1f / n;
                    }
                }
                return s / n;
            }

            @Override
            public double metricSum(Tensor prediction, Tensor target) {
                int n = prediction.shape().n();
                int k = prediction.shape().sampleSize();
                check(prediction, target);
                int right = 0;
                for (int i = 0; i < n; i++) {
                    int best = 0;
                    for (int j = 1; j < k; j++) {
                        if (prediction.data()[i * k + j] > prediction.data()[i * k + best]) {
                            best = j;
                        }
                    }
                    right += best == classOf(target, i, k) ? 1 : 0;
                }
                return right;
            }

            @Override
            public String metricName() {
                return "accuracy";
            }

            private void check(Tensor prediction, Tensor target) {
                if (target.shape().n() != prediction.shape().n() || target.shape().sampleSize() != 1) {
                    throw new ShapeException("NLL needs one class index per sample: prediction " + prediction.shape()
                            + ", target " + target.shape());
                }
            }

            private int classOf(Tensor target, int i, int k) {
                float v = target.data()[i];
                int c = (int) v;
                if (c != v || c < 0 || c >= k) {
                    throw new IllegalArgumentException("class index " + v + " of sample " + i + " is not an integer in [0, " + k + ")");
                }
                return c;
            }
        };
    }

    /** {@code "mse"} or {@code "nll"}. */
    static Loss byName(String name) {
        return switch (name) {
            case "mse" -> mse();
            case "nll" -> nll();
            default -> throw new IllegalArgumentException("unknown loss '" + name + "': expected mse or nll");
        };
    }
}
