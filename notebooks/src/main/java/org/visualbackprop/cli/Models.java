package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;

/** Finding a network from what a user typed: an architecture name or a model file. */
final class Models {
    private Models() {
    }

    /** A network and its provenance (empty for a freshly built architecture). */
    record Loaded(Network network, Provenance provenance, String source) {
    }

    /** An architecture name (netsvf, nethvf, signnet) built from {@code seed}, or a model file. */
    static Loaded resolve(String nameOrFile, long seed) throws IOException {
        String lower = nameOrFile.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "netsvf":
                return new Loaded(PaperNets.netSvf(seed), Provenance.of("architecture", "netsvf", "seed", seed), "NetSVF (Table 1)");
            case "nethvf":
                return new Loaded(PaperNets.netHvf(seed), Provenance.of("architecture", "nethvf", "seed", seed), "NetHVF (Table 1)");
            case "signnet":
                return new Loaded(PaperNets.signNet(seed), Provenance.of("architecture", "signnet", "seed", seed), "traffic-sign net (Table 2)");
            default:
                return load(Path.of(nameOrFile));
        }
    }

    /**
     * Loads a model file: this project's {@code .vbpm}, or a Torch7 {@code .t7}/{@code .t7b} file with the given input
     * size ({@code CxHxW}, or null for the default).
     */
    static Loaded load(Path file, String torchInputShape) throws IOException {
        return load(file);
    }

    /** Loads a model file: this project's {@code .vbpm}. */
    static Loaded load(Path file) throws IOException {
        ModelFile.Model m = ModelFile.load(file);
        return new Loaded(m.network(), m.provenance(), file.toString());
    }
}
