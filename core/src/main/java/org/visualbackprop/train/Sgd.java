package org.visualbackprop.train;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.nn.Parameter;

/**
 * Stochastic gradient descent with momentum and weight decay, in PyTorch's form:
 * {@code v = momentum * v + (g + decay * w)}, {@code w = w - lr * v}; weight decay only on parameters marked for it
 * (conv and dense weights).
 */
public final class Sgd {
    private final double learningRate;
    private final double momentum;
    private final double weightDecay;
    private final Map<Parameter, float[]> velocity = new IdentityHashMap<>();

    private Sgd(double learningRate, double momentum, double weightDecay) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be > 0 and finite, got " + learningRate);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + weightDecay);
        }
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public static Sgd of(double learningRate, double momentum, double weightDecay) {
        return new Sgd(learningRate, momentum, weightDecay);
    }

    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** One update of every parameter from its gradient. Modified: the parameters' values. */
    public void step(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            float[] w = p.value().data();
            float[] g = p.grad().data();
            float decay = p.decay() ? (float) weightDecay : 0f;
            float lr = (float) learningRate;
            if (momentum == 0) {
                for (int i = 0; i < w.length; i++) {
                    w[i] -= lr * (g[i] + decay * w[i]);
                }
                continue;
            }
            float[] v = velocity.computeIfAbsent(p, k -> new float[w.length]);
            float mu = (float) momentum;
            for (int i = 0; i < w.length; i++) {
                v[i] = mu * v[i] + g[i] + decay * w[i];
                w[i] -= lr * v[i];
            }
        }
    }
}
