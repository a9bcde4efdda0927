package org.visualbackprop.explain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.stream.Collectors;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.ReLU;

/**
 * Which {@link LrpRule} each layer gets: a map from layer class to rule, an optional rule for the linear layer closest
 * to the input, and whether BatchNorm layers are folded into the Conv2d or Dense above them (zennit's composites:
 * {@code layer_map}, {@code first_map} and the {@code MergeBatchNorm} canonizer). Immutable.
 *
 * <p>Folding ({@link org.visualbackprop.nn.BatchNormFolding}) applies to a BatchNorm directly before an unpadded
 * Conv2d, or before a Dense with only Flattens between: there it is exact. Other BatchNorms get the composite's rule
 * for {@code BatchNorm2d}. Flatten is a reshape and needs no rule; a final LogSoftmax is not walked (LRP starts at the
 * scores below it).
 */
public final class LrpComposite {
    /** zennit's default stabilizer (and its composites' default epsilon). */
    public static final double ZENNIT_STABILIZER = 1e-6;

    private final String name;
    private final Map<Class<? extends Layer>, LrpRule> rules;
    private final LrpRule firstLinear;
    private final boolean foldBatchNorm;
    private final Double plainEpsilon;

    private LrpComposite(String name, Map<Class<? extends Layer>, LrpRule> rules, LrpRule firstLinear, boolean foldBatchNorm,
                         Double plainEpsilon) {
        this.name = name;
        this.rules = Map.copyOf(rules);
        this.firstLinear = firstLinear;
        this.foldBatchNorm = foldBatchNorm;
        this.plainEpsilon = plainEpsilon;
        for (Map.Entry<Class<? extends Layer>, LrpRule> e : rules.entrySet()) {
            // a rule mapped to a class it cannot handle is a programming error: say so when the composite is built
            if (!acceptsClass(e.getValue(), e.getKey())) {
                throw new IllegalArgumentException("composite " + name + ": rule " + e.getValue() + " cannot handle "
                        + e.getKey().getSimpleName() + " layers");
            }
        }
    }

    private static boolean acceptsClass(LrpRule rule, Class<? extends Layer> c) {
        if (rule instanceof LrpRule.LinearRule) {
            return c == Conv2d.class || c == Dense.class;
        }
        if (rule instanceof LrpRule.Pass) {
            return c == ReLU.class || c == Dropout.class || c == BatchNorm2d.class;
        }
        if (rule instanceof LrpRule.WinnerTakesAll) {
            return c == MaxPool2d.class;
        }
        if (rule instanceof LrpRule.BatchNormAffine) {
            return c == BatchNorm2d.class;
        }
        return true; // a user's own rule: it checks layers itself through accepts()
    }

    /** A composite of your own. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * The paper's LRP: the epsilon rule on every Conv2d and Dense (Samek et al. 2016, Eq. 6), ReLU and Dropout pass,
     * max pooling to the winner; BatchNorm folded where exact ({@link Lrp.BatchNormRule#FOLD}) or always its own
     * epsilon step ({@link Lrp.BatchNormRule#SEPARATE}).
     */
    public static LrpComposite epsilon(double epsilon, Lrp.BatchNormRule batchNorm) {
        Objects.requireNonNull(batchNorm, "batchNorm");
        LrpRule eps = LrpRule.epsilon(epsilon);
        return base("epsilon(" + epsilon + ", BatchNorm " + batchNorm.name().toLowerCase(java.util.Locale.ROOT) + ")")
                .rule(Conv2d.class, eps).rule(Dense.class, eps).rule(BatchNorm2d.class, new LrpRule.BatchNormAffine(epsilon, true))
                .foldBatchNorm(batchNorm == Lrp.BatchNormRule.FOLD)
                .plainEpsilon(batchNorm == Lrp.BatchNormRule.FOLD ? epsilon : null).build();
    }

    /**
     * The z-rule with the bias out of the denominator on every Conv2d and Dense, and a BatchNorm not folded passing
     * relevance through: started from the last conv layer's activations this is Section 4's phi.
     */
    public static LrpComposite zWithoutBias(Lrp.BatchNormRule batchNorm) {
        Objects.requireNonNull(batchNorm, "batchNorm");
        LrpRule z = LrpRule.zWithoutBias();
        return base("z without bias (BatchNorm " + batchNorm.name().toLowerCase(java.util.Locale.ROOT) + ")")
                .rule(Conv2d.class, z).rule(Dense.class, z).rule(BatchNorm2d.class, new LrpRule.BatchNormAffine(0, false))
                .foldBatchNorm(batchNorm == Lrp.BatchNormRule.FOLD).build();
    }

    /**
     * zennit's {@code EpsilonPlusFlat}: Flat on the first linear layer, ZPlus on the other Conv2d layers, epsilon on
     * the Dense layers; ReLU, Dropout and BatchNorm pass (zennit's base map), max pooling to the winner. BatchNorm is
     * folded where exact (zennit's canonizer).
     *
     * @param epsilon the Dense layers' epsilon (zennit's default: {@link #ZENNIT_STABILIZER})
     */
    public static LrpComposite epsilonPlusFlat(double epsilon) {
        return base("EpsilonPlusFlat(epsilon " + epsilon + ")").rule(Conv2d.class, new LrpRule.ZPlus(ZENNIT_STABILIZER))
                .rule(Dense.class, LrpRule.epsilon(epsilon)).rule(BatchNorm2d.class, LrpRule.pass())
                .firstLinear(new LrpRule.Flat(ZENNIT_STABILIZER)).foldBatchNorm(true).build();
    }

    /**
     * zennit's {@code EpsilonAlpha2Beta1Flat}: Flat on the first linear layer, AlphaBeta(2, 1) on the other Conv2d
     * layers, epsilon on the Dense layers; otherwise as {@link #epsilonPlusFlat}.
     */
    public static LrpComposite epsilonAlpha2Beta1Flat(double epsilon) {
        return base("EpsilonAlpha2Beta1Flat(epsilon " + epsilon + ")")
                .rule(Conv2d.class, new LrpRule.AlphaBeta(2, 1, ZENNIT_STABILIZER))
                .rule(Dense.class, LrpRule.epsilon(epsilon)).rule(BatchNorm2d.class, LrpRule.pass())
                .firstLinear(new LrpRule.Flat(ZENNIT_STABILIZER)).foldBatchNorm(true).build();
    }

    /** ReLU and Dropout pass, max pooling to the winner: what every built-in composite shares. */
    private static Builder base(String name) {
        return builder(name).rule(ReLU.class, LrpRule.pass()).rule(Dropout.class, LrpRule.pass())
                .rule(MaxPool2d.class, LrpRule.winnerTakesAll());
    }

    /** The composite's name, as messages print it. */
    public String name() {
        return name;
    }

    /** Whether BatchNorm layers are folded into the Conv2d or Dense above them where that is exact. */
    public boolean foldsBatchNorm() {
        return foldBatchNorm;
    }

    /**
     * The epsilon when this is the plain epsilon rule with BatchNorm folded ({@link #epsilon} with
     * {@link Lrp.BatchNormRule#FOLD}): what compute devices implement. Empty otherwise.
     */
    public OptionalDouble plainEpsilon() {
        return plainEpsilon == null ? OptionalDouble.empty() : OptionalDouble.of(plainEpsilon);
    }

    /**
     * The rule of a step.
     *
     * @throws UnsupportedNetworkException naming the layer and the classes the composite has rules for
     */
    public LrpRule ruleFor(LrpStep step) {
        Layer layer = step.layer();
        LrpRule r = step.isFirstLinear() && firstLinear != null ? firstLinear : rules.get(layer.getClass());
        if (r == null || !r.accepts(layer)) {
            String supported = rules.keySet().stream().map(Class::getSimpleName).sorted().collect(Collectors.joining(", "));
            throw new UnsupportedNetworkException("LRP (" + name + ") has no rule for " + step.name() + " (" + layer.kind()
                    + "); supported: " + supported + ", Flatten, and a final LogSoftmax");
        }
        return r;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Builds a composite. */
    public static final class Builder {
        private final String name;
        private final Map<Class<? extends Layer>, LrpRule> rules = new LinkedHashMap<>();
        private LrpRule firstLinear;
        private boolean fold = true;
        private Double plainEpsilon;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The rule for every layer of exactly this class (replacing an earlier one). */
        public Builder rule(Class<? extends Layer> layerClass, LrpRule rule) {
            rules.put(Objects.requireNonNull(layerClass, "layerClass"), Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** The rule for the linear layer closest to the input, overriding the class map there. */
        public Builder firstLinear(LrpRule rule) {
            this.firstLinear = rule;
            return this;
        }

        /** Whether to fold BatchNorm layers into the linear layer above them where exact (default true). */
        public Builder foldBatchNorm(boolean fold) {
            this.fold = fold;
            return this;
        }

        private Builder plainEpsilon(Double epsilon) {
            this.plainEpsilon = epsilon;
            return this;
        }

        public LrpComposite build() {
            return new LrpComposite(name, rules, firstLinear, fold, plainEpsilon);
        }
    }
}
