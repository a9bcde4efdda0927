package org.visualbackprop.cli;

import java.util.Locale;
import org.visualbackprop.data.BarPositions;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Loss;

/** The data sets the commands know by name. */
final class DataSources {
    private DataSources() {
    }

    /** A training and a validation set and the loss that fits them. */
    record Split(Dataset train, Dataset validation, Loss loss, boolean classifier, int outputs) {
    }

    /** The names accepted by {@code --data}. */
    static final String NAMES = "bars";

    /**
     * The named data set with {@code samples} training and {@code validationSamples} validation samples, drawn from
     * {@code seed} (the validation set from a different stream of the same seed).
     */
    static Split resolve(String name, int samples, int validationSamples, long seed) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "bars":
                return new Split(BarPositions.of(32, 64, samples, seed), BarPositions.of(32, 64, validationSamples, seed ^ 0x5DEECE66DL),
                        Loss.mse(), false, 1);
            default:
                throw new IllegalArgumentException("unknown data set '" + name + "': expected one of " + NAMES);
        }
    }
}
