package org.visualbackprop.train;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.Parameter;

/**
 * Stochastic gradient descent with momentum and weight decay, in PyTorch's form:
 * {@code v = momentum * v + (g + decay * w)}, {@code w = w - lr * v}; weight decay only on parameters marked for it
 * (conv and dense weights).
 */
public final class Sgd implements Optimizer {
    private final double learningRate;
    private final double momentum;
    private final double weightDecay;
    private final Map<Parameter, float[]> velocity = new IdentityHashMap<>();

    private Sgd(double learningRate, double momentum, double weightDecay) {
        Adam.checkRate(learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must lie in [0, 1), got " + momentum);
        }
        Adam.checkDecay(weightDecay);
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    public static Sgd of(double learningRate, double momentum, double weightDecay) {
        return new Sgd(learningRate, momentum, weightDecay);
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    public double momentum() {
        return momentum;
    }

    public double weightDecay() {
        return weightDecay;
    }

    @Override
    public void step(List<Parameter> parameters, double rate) {
        Adam.checkRate(rate);
        float lr = (float) rate;
        for (Parameter p : parameters) {
            float[] w = p.value().data();
            float[] g = p.grad().data();
            float decay = p.decay() ? (float) weightDecay : 0f;
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

    @Override
    public Provenance provenance() {
        return Provenance.of("optimizer", name(), "learning_rate", learningRate, "momentum", momentum, "weight_decay", weightDecay);
    }

    @Override
    public String toString() {
        return "SGD(lr " + learningRate + ", momentum " + momentum + ", weight decay " + weightDecay + ")";
    }
}
