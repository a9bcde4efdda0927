package org.visualbackprop.io.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/**
 * A network converted from a Torch7 file, with a record of what was read.
 *
 * @param network             the converted network (its input shape is the one given or inferred)
 * @param source              the file it came from
 * @param modules             every module read, containers included, in file order
 * @param batchNormStatistics which kinds of BatchNorm statistics the file stored (empty without BatchNorm)
 * @param inputInferred       true when the input shape was inferred ({@link TorchImport#load(java.nio.file.Path)})
 *                            rather than given
 */
public record TorchModel(Network network, String source, List<Module> modules,
                         Set<BatchNormStatistics> batchNormStatistics, boolean inputInferred) {

    /**
     * One module of the file.
     *
     * @param path       where it sits, as Lua would index it: {@code model}, {@code model.modules[1].modules[4]}
     * @param className  its Lua class, such as {@code cudnn.SpatialConvolution}
     * @param train      its {@code train} field (true after {@code module:training()}, false after
     *                   {@code module:evaluate()}), or null when absent
     * @param firstLayer index in {@link TorchModel#network()} of the first layer made from it
     * @param layerCount number of layers made from it (0 for containers and {@code nn.Identity})
     * @param note       how it was converted, when that needs saying (BatchNorm statistics), or empty
     */
    public record Module(String path, String className, Boolean train, int firstLayer, int layerCount, String note) {
        public Module {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(className, "className");
            Objects.requireNonNull(note, "note");
        }

        /** True for the BatchNorm classes. */
        public boolean isBatchNorm() {
            return className.endsWith("BatchNormalization");
        }
    }

    /** How a BatchNorm module stored its running statistics. */
    public enum BatchNormStatistics {
        /**
         * Old Torch7 ({@code nn} before 2016, and {@code cudnn}'s of that time): {@code running_std}, the running average
         * of the <em>inverse</em> standard deviation {@code 1 / sqrt(var + eps)}; in evaluation mode
         * {@code y = (x - running_mean) * running_std * weight + bias}.
         */
        INVERSE_STD,
        /** Newer Torch7: {@code running_var}; {@code y = (x - running_mean) / sqrt(running_var + eps) * weight + bias}. */
        VARIANCE
    }

    /** Whether the file's modules were saved in training or evaluation mode (their {@code train} fields). */
    public enum TrainingState {
        /** Every module with a {@code train} field has it true. */
        TRAINING,
        /** Every module with a {@code train} field has it false. */
        EVALUATION,
        /** Some are true, some false. */
        MIXED,
        /** No module has a {@code train} field. */
        UNRECORDED
    }

    public TorchModel {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(source, "source");
        modules = List.copyOf(modules);
        batchNormStatistics = Set.copyOf(batchNormStatistics);
    }

    /** The input shape of one sample ({@code 1 x c x h x w}). */
    public Shape inputShape() {
        return network.inputShape();
    }

    /** The training state over all modules that record one. */
    public TrainingState trainingState() {
        return state(modules);
    }

    private static TrainingState state(List<Module> ms) {
        boolean anyTrue = false;
        boolean anyFalse = false;
        for (Module m : ms) {
            if (m.train() != null) {
                anyTrue |= m.train();
                anyFalse |= !m.train();
            }
        }
        return anyTrue ? anyFalse ? TrainingState.MIXED : TrainingState.TRAINING
                : anyFalse ? TrainingState.EVALUATION : TrainingState.UNRECORDED;
    }

    /** True when the model was saved in training mode (every module that records it). */
    public boolean savedInTrainingMode() {
        return trainingState() == TrainingState.TRAINING;
    }

    /**
     * The {@link Mode} that reproduces what Torch's {@code model:forward} does with the model as saved: BatchNorm
     * layers saved in training mode normalize with the statistics of the batch given
     * ({@link Mode#BATCH_STATISTICS}; the authors' {@code run.lua} ran their model so), those saved in evaluation mode
     * with their running statistics ({@link Mode#EVAL}). A network without BatchNorm gives {@link Mode#EVAL}.
     * Dropout is never sampled in either mode (Torch would drop at random in training mode).
     *
     * @throws IllegalStateException when some BatchNorm layers were saved in training mode and others not (one
     *                               {@link Mode} applies to every layer); the message lists them
     */
    public Mode modeAsSaved() {
        List<Module> bn = modules.stream().filter(Module::isBatchNorm).toList();
        TrainingState s = state(bn);
        if (s == TrainingState.MIXED) {
            throw new IllegalStateException(source + ": BatchNorm layers were saved in mixed modes (training: "
                    + bn.stream().filter(m -> Boolean.TRUE.equals(m.train())).map(Module::path).collect(Collectors.joining(", "))
                    + "; evaluation: "
                    + bn.stream().filter(m -> !Boolean.TRUE.equals(m.train())).map(Module::path).collect(Collectors.joining(", "))
                    + "); a Mode applies to every layer: choose Mode.EVAL or Mode.BATCH_STATISTICS");
        }
        return s == TrainingState.TRAINING ? Mode.BATCH_STATISTICS : Mode.EVAL;
    }

    /** The modules that made layers, in network order (containers left out). */
    public List<Module> layerModules() {
        List<Module> out = new ArrayList<>();
        for (Module m : modules) {
            if (m.layerCount() > 0) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * A provenance record for {@link org.visualbackprop.io.ModelFile#save}: {@code format=torch7}, the file name,
     * the input shape (and whether it was inferred), the training state, the BatchNorm statistics and the module
     * classes with their counts.
     */
    public Provenance provenance() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Module m : modules) {
            counts.merge(m.className(), 1, Integer::sum);
        }
        String classes = counts.entrySet().stream().map(e -> e.getKey() + (e.getValue() > 1 ? " x" + e.getValue() : ""))
                .collect(Collectors.joining(", "));
        Shape in = inputShape();
        Provenance p = Provenance.of("imported.from", "torch7", "imported.file", fileName(source),
                "imported.input", in.c() + "x" + in.h() + "x" + in.w(), "imported.input.inferred", inputInferred,
                "imported.train", trainingState().name().toLowerCase(java.util.Locale.ROOT), "imported.classes", classes);
        if (!batchNormStatistics.isEmpty()) {
            p = p.with("imported.batchnorm", batchNormStatistics.stream().sorted().map(b -> b == BatchNormStatistics.INVERSE_STD
                    ? "running_std (inverse standard deviation; running_var = 1/running_std^2 - eps)"
                    : "running_var").collect(Collectors.joining(" and ")));
        }
        return p;
    }

    private static String fileName(String source) {
        int i = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
        return source.substring(i + 1);
    }

    /** One line per module that made layers: {@code path class -> layer names}, as a command would print it. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Module m : layerModules()) {
            sb.append(m.path()).append(' ').append(m.className()).append(" ->");
            for (int i = m.firstLayer(); i < m.firstLayer() + m.layerCount(); i++) {
                sb.append(' ').append(network.name(i)).append('=').append(network.layer(i));
            }
            if (!m.note().isEmpty()) {
                sb.append(" (").append(m.note()).append(')');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
