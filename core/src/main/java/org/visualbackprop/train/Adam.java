package org.visualbackprop.train;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.Parameter;

/**
 * Adam (Kingma and Ba 2015, Algorithm 1) and AdamW (Loshchilov and Hutter 2019, Algorithm 2: decoupled weight decay),
 * in PyTorch 1.13's form ({@code torch.optim.Adam}, {@code torch.optim.AdamW}). At step {@code t = 1, 2, ...}, for each
 * value with gradient {@code g}:
 * <pre>
 *   Adam:   g = g + decay * w                       (L2 penalty folded into the gradient)
 *   AdamW:  w = w * (1 - lr * decay)                (decay applied to the weight, apart from the gradient)
 *   m = beta1 * m + (1 - beta1) * g
 *   v = beta2 * v + (1 - beta2) * g^2
 *   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * Weight decay applies only to parameters marked for it ({@link Parameter#decay()}); the others are updated without
 * it (PyTorch applies it to every parameter of a group unless told otherwise).
 */
public final class Adam implements Optimizer {
    /** PyTorch's defaults. */
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPS = 1e-8;

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<Parameter, float[][]> moments = new IdentityHashMap<>();
    private long steps;

    private Adam(double learningRate, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        checkRate(learningRate);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("Adam's betas must lie in [0, 1), got beta1 " + beta1 + ", beta2 " + beta2);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("Adam's epsilon must be > 0 and finite, got " + eps);
        }
        checkDecay(weightDecay);
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** Adam with PyTorch's default betas and epsilon, and an L2 penalty {@code weightDecay} (0 for none). */
    public static Adam adam(double learningRate, double weightDecay) {
        return new Adam(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, weightDecay, false);
    }

    /** AdamW with PyTorch's default betas and epsilon and decoupled weight decay {@code weightDecay} (PyTorch's default: 0.01). */
    public static Adam adamW(double learningRate, double weightDecay) {
        return new Adam(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPS, weightDecay, true);
    }

    /** Every setting given. */
    public static Adam of(double learningRate, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        return new Adam(learningRate, beta1, beta2, eps, weightDecay, decoupled);
    }

    @Override
    public String name() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    public double weightDecay() {
        return weightDecay;
    }

    /** Whether the weight decay is decoupled from the gradient (AdamW). */
    public boolean decoupled() {
        return decoupled;
    }

    /** Number of steps taken so far. */
    public long steps() {
        return steps;
    }

    @Override
    public void step(List<Parameter> parameters, double rate) {
        Adam.checkStepRate(rate);
        steps++;
        double c1 = 1 - Math.pow(beta1, steps);
        double c2 = Math.sqrt(1 - Math.pow(beta2, steps));
        float stepSize = (float) (rate / c1);
        float invC2 = (float) (1 / c2);
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        float a1 = (float) (1 - beta1);
        float a2 = (float) (1 - beta2);
        float e = (float) eps;
        for (Parameter p : parameters) {
            float[] w = p.value().data();
            float[] g = p.grad().data();
            float[][] mv = moments.computeIfAbsent(p, k -> new float[][] {new float[w.length], new float[w.length]});
            float[] m = mv[0];
            float[] v = mv[1];
            float decay = p.decay() ? (float) weightDecay : 0f;
            float l2 = decoupled ? 0f : decay;
            float shrink = decoupled ? (float) (1 - rate * decay) : 1f;
            for (int i = 0; i < w.length; i++) {
                float gi = g[i] + l2 * w[i];
                float mi = b1 * m[i] + a1 * gi;
                float vi = b2 * v[i] + a2 * gi * gi;
                m[i] = mi;
                v[i] = vi;
                w[i] = w[i] * shrink - stepSize * mi / ((float) Math.sqrt(vi) * invC2 + e);
            }
        }
    }

    @Override
    public Provenance provenance() {
        return Provenance.of("optimizer", name(), "learning_rate", learningRate, "beta1", beta1, "beta2", beta2, "adam_eps", eps,
                "weight_decay", weightDecay);
    }

    @Override
    public String toString() {
        return (decoupled ? "AdamW" : "Adam") + "(lr " + learningRate + ", betas " + beta1 + "/" + beta2 + ", eps " + eps
                + ", weight decay " + weightDecay + ")";
    }

    static void checkRate(double rate) {
        if (!(rate > 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("learning rate must be > 0 and finite, got " + rate);
        }
    }

    /** A step's rate may reach 0 (the end of a cosine schedule), never below or NaN. */
    static void checkStepRate(double rate) {
        if (!(rate >= 0) || !Double.isFinite(rate)) {
            throw new IllegalArgumentException("a step's learning rate must be >= 0 and finite, got " + rate);
        }
    }

    static void checkDecay(double decay) {
        if (!(decay >= 0) || !Double.isFinite(decay)) {
            throw new IllegalArgumentException("weight decay must be >= 0 and finite, got " + decay);
        }
    }
}
