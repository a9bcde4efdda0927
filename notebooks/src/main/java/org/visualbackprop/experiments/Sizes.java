package org.visualbackprop.experiments;

import java.util.Map;

/**
 * The quick/full switch the notebooks and {@code vbp figures} share: {@code VBP_QUICK} set to anything but "" or "0"
 * asks for the reduced size (what {@code notebooks/jupyter/run-notebooks.sh --quick} and CI run). Every experiment's
 * {@code Config.fromEnvironment()} reads it through here (as {@link BarTraining.Config#isQuick} does for notebook 1).
 */
public final class Sizes {
    private Sizes() {
    }

    /** True when the process environment asks for the reduced size. */
    public static boolean quick() {
        return quick(System.getenv());
    }

    /** True when {@code env} asks for the reduced size. */
    public static boolean quick(Map<String, String> env) {
        return BarTraining.Config.isQuick(env);
    }
}
