package org.visualbackprop.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.io.torch.TorchImport;
import org.visualbackprop.io.torch.TorchModel;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;

/** Finding a network from what a user typed: an architecture name or a model file. */
final class Models {
    private Models() {
    }

    /** A network and its provenance (empty for a freshly built architecture). */
    record Loaded(Network network, Provenance provenance, String source) {
    }

    /** An architecture name (netsvf, nethvf, signnet) built from {@code seed}, or a model file. */
    static Loaded resolve(String nameOrFile, long seed, String torchInputShape) throws IOException {
        String lower = nameOrFile.toLowerCase(java.util.Locale.ROOT);
        switch (lower) {
            case "netsvf":
                return new Loaded(PaperNets.netSvf(seed), Provenance.of("architecture", "netsvf", "seed", seed), "NetSVF (Table 1)");
            case "nethvf":
                return new Loaded(PaperNets.netHvf(seed), Provenance.of("architecture", "nethvf", "seed", seed), "NetHVF (Table 1)");
            case "signnet":
                return new Loaded(PaperNets.signNet(seed), Provenance.of("architecture", "signnet", "seed", seed), "traffic-sign net (Table 2)");
            default:
                return load(Path.of(nameOrFile), torchInputShape);
        }
    }

    /**
     * Loads a model file: this project's {@code .vbpm}, or a Torch7 {@code .t7}/{@code .t7b} file with the given input
     * size ({@code CxHxW}, or null for the default).
     */
    static Loaded load(Path file, String torchInputShape) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".t7") || name.endsWith(".t7b")) {
            TorchModel t = torchInputShape == null ? TorchImport.load(file) : TorchImport.load(file, parseShape(torchInputShape));
            String note = t.savedInTrainingMode()
                    ? "saved in training mode: the authors ran it with the statistics of the batch (--batchnorm batch)" : null;
            return new Loaded(t.network(), t.provenance(), file + " (Torch7" + (note == null ? "" : ", " + note) + ")");
        }
        if (torchInputShape != null) {
            throw new IllegalArgumentException("--input-shape applies to Torch7 models only; " + file + " records its input size");
        }
        return load(file);
    }

    /** {@code CxHxW}, e.g. {@code 1x125x640}. */
    static Shape parseShape(String s) {
        String[] p = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 3) {
                return new Shape(1, Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new IllegalArgumentException("input shape must look like CxHxW (e.g. 1x125x640), got '" + s + "'");
    }

    /** Loads a model file: this project's {@code .vbpm}. */
    static Loaded load(Path file) throws IOException {
        ModelFile.Model m = ModelFile.load(file);
        return new Loaded(m.network(), m.provenance(), file.toString());
    }
}
