package org.visualbackprop.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.train.Augmentation;
import org.visualbackprop.train.Augmentations;
import org.visualbackprop.train.Optimizer;
import org.visualbackprop.train.Schedule;
import org.visualbackprop.train.Trainer;

/**
 * How a network is trained: optimizer, learning rate and its schedule, clipping, augmentation, batch, epochs, seed.
 * What {@code vbp train}'s options and {@code vbp demo} set, turned into the library's {@link Optimizer},
 * {@link Trainer.Config} and the model's provenance.
 *
 * @param optimizer     {@code sgd}, {@code adam} or {@code adamw}
 * @param momentum      SGD's momentum
 * @param weightDecay   L2 penalty (sgd, adam) or decoupled decay (adamw), on conv and dense weights
 * @param schedule      {@code constant}, {@code cosine} or {@code step}
 * @param warmupEpochs  linear warm-up, in epochs (fractions allowed)
 * @param minFactor     the cosine schedule's floor, as a fraction of the learning rate
 * @param stepEpochs    the step schedule's period, in epochs
 * @param gamma         the step schedule's factor
 * @param clip          global gradient-norm clipping (0: none)
 * @param augment       augmentations by name: {@code brightness[:D]}, {@code flip}, {@code shift[:PIXELS]},
 *                      {@code camera[:METRES]}
 * @param validateEvery validate after every this many training samples too (0: each epoch's end only)
 */
record Recipe(int epochs, int batch, String optimizer, double learningRate, double momentum, double weightDecay,
              String schedule, double warmupEpochs, double minFactor, double stepEpochs, double gamma, double clip,
              List<String> augment, long validateEvery, long seed) {
    /** Recipe's names of the augmentations. */
    static final String AUGMENT_NAMES = "brightness[:D] (exposure x [1-D, 1+D], default 0.2), flip (mirror; a steering label is negated), "
            + "shift[:P] (classifiers: translate by up to P pixels, default 2), camera[:M] (roads: render from a camera moved up to "
            + "M metres across the road, label recomputed, default 0.5)";

    Recipe {
        augment = augment == null ? List.of() : List.copyOf(augment);
        if (!(warmupEpochs >= 0) || !(stepEpochs > 0)) {
            throw new IllegalArgumentException("need --warmup >= 0 and --step-every > 0 epochs, got " + warmupEpochs + " and " + stepEpochs);
        }
        Optimizer.byName(optimizer, learningRate, momentum, weightDecay); // fails early, naming the bad setting
    }

    /** SGD with momentum at a constant rate, no clipping or augmentation: the recipe of the earlier runs. */
    static Recipe sgd(int epochs, int batch, double learningRate, double momentum, double weightDecay, long seed) {
        return new Recipe(epochs, batch, "sgd", learningRate, momentum, weightDecay, "constant", 0, 0, 1, 0.1, 0, List.of(), 0, seed);
    }

    Optimizer buildOptimizer() {
        return Optimizer.byName(optimizer, learningRate, momentum, weightDecay);
    }

    /** The schedule in steps, for a training set of {@code trainSize} samples. */
    Schedule buildSchedule(int trainSize) {
        long perEpoch = (trainSize + batch - 1) / batch;
        long warm = Math.round(warmupEpochs * perEpoch);
        return switch (schedule.trim().toLowerCase(Locale.ROOT)) {
            case "constant" -> Schedule.constant(warm);
            case "cosine" -> Schedule.cosine(warm, minFactor);
            case "step" -> Schedule.step(warm, Math.max(1, Math.round(stepEpochs * perEpoch)), gamma);
            default -> throw new IllegalArgumentException("unknown schedule '" + schedule + "': expected constant, cosine or step");
        };
    }

    /**
     * The augmentations for a data set.
     *
     * @param data       the {@code --data} name (flips are refused for traffic signs, whose arrows and text change meaning
     *                   when mirrored)
     * @param classifier whether the targets are classes
     * @param roads      whether the training set is synthetic road scenes (needed by {@code camera})
     */
    Augmentation buildAugmentation(String data, boolean classifier, boolean roads) {
        List<Augmentation> parts = new ArrayList<>();
        for (String item : augment) {
            String a = item.trim().toLowerCase(Locale.ROOT);
            if (a.isEmpty() || a.equals("none")) {
                continue;
            }
            String name = a.contains(":") ? a.substring(0, a.indexOf(':')) : a;
            String arg = a.contains(":") ? a.substring(a.indexOf(':') + 1) : null;
            switch (name) {
                case "brightness" -> parts.add(Augmentations.brightness(number(item, arg, 0.2)));
                case "flip" -> {
                    if (data.equalsIgnoreCase("signs")) {
                        throw new IllegalArgumentException("--augment flip: a mirrored traffic sign can be another class (arrows, text); "
                                + "use brightness or shift for signs");
                    }
                    parts.add(Augmentations.flip(!classifier));
                }
                case "shift" -> {
                    if (!classifier) {
                        throw new IllegalArgumentException("--augment shift moves pixels, which changes where the lane centre lies without "
                                + "correcting the steering label; for roads use camera[:METRES]");
                    }
                    parts.add(Augmentations.shift((int) Math.round(number(item, arg, 2))));
                }
                case "camera" -> {
                    if (!roads) {
                        throw new IllegalArgumentException("--augment camera renders synthetic road scenes again; --data " + data + " is not roads");
                    }
                    parts.add(RoadScenes.lateralShift(number(item, arg, 0.5)));
                }
                default -> throw new IllegalArgumentException("unknown augmentation '" + item + "': expected " + AUGMENT_NAMES);
            }
        }
        return Augmentations.chain(parts);
    }

    private static double number(String item, String arg, double fallback) {
        if (arg == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--augment " + item + ": '" + arg + "' is not a number", e);
        }
    }

    /** The trainer's settings. */
    Trainer.Config config(int trainSize, double[] checkpoints, Augmentation augmentation) {
        return Trainer.Config.of(epochs, batch, seed).withCheckpoints(checkpoints).withSchedule(buildSchedule(trainSize))
                .withClipNorm(clip).withAugmentation(augmentation).withValidateEvery(validateEvery);
    }

    /** Everything above, for the model file. */
    Provenance provenance(int trainSize, Augmentation augmentation) {
        return Provenance.of("seed", seed, "epochs", epochs, "batch", batch).with(buildOptimizer().provenance())
                .with("schedule", buildSchedule(trainSize).describe() + " over " + (long) epochs * ((trainSize + batch - 1) / batch) + " steps")
                .with("gradient_clip", clip == 0 ? "none" : String.valueOf(clip))
                .with("augmentation", augmentation.describe());
    }
}
