package org.visualbackprop.train;

import java.util.List;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.Parameter;

/**
 * Updates parameters from their gradients. The learning rate is passed to every step, so a {@link Schedule} can
 * change it as training goes; {@link #learningRate()} is the base rate the schedule multiplies.
 *
 * <p>Implementations: {@link Sgd} (with momentum), {@link Adam} (Adam with L2 weight decay, and AdamW with decoupled
 * weight decay). Weight decay applies only to parameters marked for it ({@link Parameter#decay()}: conv and dense
 * weights, not biases or BatchNorm's scale and shift). An optimizer keeps per-parameter state (momentum, moments)
 * and is not thread-safe.
 */
public interface Optimizer {
    /** Short name: {@code "sgd"}, {@code "adam"}, {@code "adamw"}. */
    String name();

    /** The base learning rate. */
    double learningRate();

    /**
     * One update of every parameter from its gradient, with learning rate {@code learningRate} (the base rate times
     * the schedule's factor).
     *
     * @param parameters values modified, gradients not modified
     */
    void step(List<Parameter> parameters, double learningRate);

    /** One update with the base learning rate. */
    default void step(List<Parameter> parameters) {
        step(parameters, learningRate());
    }

    /** The settings that define this optimizer, for a model's provenance ({@code optimizer=adamw, beta1=0.9, ...}). */
    Provenance provenance();

    /**
     * An optimizer by name, as the command line spells it.
     *
     * @param name        {@code sgd}, {@code adam} or {@code adamw}
     * @param momentum    SGD's momentum (ignored by Adam, which uses its default betas)
     * @param weightDecay L2 penalty (SGD, Adam) or decoupled decay rate (AdamW)
     * @throws IllegalArgumentException for an unknown name or an invalid setting
     */
    static Optimizer byName(String name, double learningRate, double momentum, double weightDecay) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "sgd" -> Sgd.of(learningRate, momentum, weightDecay);
            case "adam" -> Adam.adam(learningRate, weightDecay);
            case "adamw" -> Adam.adamW(learningRate, weightDecay);
            default -> throw new IllegalArgumentException("unknown optimizer '" + name + "': expected sgd, adam or adamw");
        };
    }
}
