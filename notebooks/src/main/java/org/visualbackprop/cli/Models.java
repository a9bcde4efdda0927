package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/** Finding a network from what a user typed: an architecture name or a model file ({@link org.visualbackprop.io.Models}). */
final class Models {
    private Models() {
    }

    /** A network and its provenance (empty for a freshly built architecture). */
    record Loaded(Network network, Provenance provenance, String source) {
    }

    /** An architecture name (netsvf, nethvf, signnet) built from {@code seed}, or a model file. */
    static Loaded resolve(String nameOrFile, long seed, String inputShape) throws IOException {
        String lower = nameOrFile.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "netsvf":
                return new Loaded(PaperNets.netSvf(seed), Provenance.of("architecture", "netsvf", "seed", seed), "NetSVF (Table 1)");
            case "nethvf":
                return new Loaded(PaperNets.netHvf(seed), Provenance.of("architecture", "nethvf", "seed", seed), "NetHVF (Table 1)");
            case "signnet":
                return new Loaded(PaperNets.signNet(seed), Provenance.of("architecture", "signnet", "seed", seed), "traffic-sign net (Table 2)");
            default:
                return load(Path.of(nameOrFile), inputShape);
        }
    }

    /**
     * Loads a model file of any format {@link org.visualbackprop.io.Models} reads, with the input size given as
     * {@code CxHxW} for formats that do not record it (null: the recorded or default one).
     */
    static Loaded load(Path file, String inputShape) throws IOException {
        Shape shape = inputShape == null ? null : org.visualbackprop.io.Models.parseInputShape(inputShape);
        org.visualbackprop.io.Models.Loaded m = org.visualbackprop.io.Models.open(file, shape);
        String source = m.trainingModeBatchNorm() ? m.description() + " (use --batchnorm batch to run it as they did)" : m.description();
        return new Loaded(m.network(), m.provenance(), source);
    }

    /** Loads a model file with its recorded (or default) input size. */
    static Loaded load(Path file) throws IOException {
        return load(file, null);
    }
}
