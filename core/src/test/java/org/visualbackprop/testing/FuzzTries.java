package org.visualbackprop.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Sets the tries and the seed of a {@link FuzzProperty} from system properties: {@code vbp.fuzz.tries} (default
 * {@value #DEFAULT_TRIES}) and {@code vbp.fuzz.seed} (default {@value #DEFAULT_SEED}; {@code random} for jqwik's own
 * random seed, which it prints when a try fails).
 */
public final class FuzzTries implements AroundPropertyHook {
    /** Tries per fuzz property in CI. */
    public static final int DEFAULT_TRIES = 250;
    /** The seed CI runs with. */
    public static final String DEFAULT_SEED = "20261206";

    /** Tries per property in force. */
    public static int tries() {
        return Integer.getInteger("vbp.fuzz.tries", DEFAULT_TRIES);
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        context.attributes().setTries(tries());
        String seed = System.getProperty("vbp.fuzz.seed", DEFAULT_SEED);
        if (!seed.equalsIgnoreCase("random")) {
            context.attributes().setSeed(seed);
        }
        return property.execute();
    }
}
