package org.visualbackprop.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.onnx.OnnxExport;
import org.visualbackprop.nn.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vbp export}: a network as an ONNX model (for ONNX Runtime, PyTorch, TensorFlow) or as a .vbpm file. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a network as an ONNX model (.onnx, opset " + OnnxExport.OPSET + ") that ONNX Runtime and other "
                + "frameworks run, or as this project's .vbpm file; the extension of --out chooses.",
                "Every weight keeps its bits: reading the file back gives the same network. Converting an ONNX or Torch7 model "
                        + "to .vbpm keeps what the file says of itself as the model's provenance."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "FILE|NAME",
            description = "A model file (.vbpm, Torch7 .t7/.t7b, ONNX .onnx), or netsvf, nethvf, signnet (untrained, from --seed).")
    String model;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The file to write: NAME.onnx or NAME.vbpm.")
    Path out;

    @Option(names = "--input-shape", paramLabel = "CxHxW",
            description = "Input size for models that do not record it (Torch7; ONNX with a symbolic size).")
    String inputShape;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of an architecture given by name (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean onnx = name.endsWith(".onnx");
        if (!onnx && !name.endsWith(ModelFile.EXTENSION)) {
            throw new IllegalArgumentException("--out must end in .onnx or " + ModelFile.EXTENSION + ", got " + out);
        }
        Models.Loaded m = Models.resolve(model, seed, inputShape);
        Network net = m.network();
        if (onnx) {
            OnnxExport.save(net, m.provenance(), out);
        } else {
            ModelFile.save(net, m.provenance(), out);
        }
        System.out.printf("wrote %s (%s, %d layers, %,d parameters, input %s, %,d bytes) from %s%n", out,
                onnx ? "ONNX opset " + OnnxExport.OPSET : "vbpm", net.size(), net.parameterCount(),
                net.inputShape().describeSample(), Files.size(out), m.source());
        if (onnx) {
            boolean vectors = net.inputShape().isVector() && net.layers().stream().noneMatch(l -> l.window() != null);
            System.out.println("its input is named 'input', float32 " + (vectors ? "[batch, " + net.inputShape().c() + "]"
                    : "[batch, " + net.inputShape().describeSample().replace(" x ", ", ") + "]") + "; its output 'output'. In Python:"
                    + " onnxruntime.InferenceSession('" + out.getFileName() + "').run(None, {'input': x})");
        }
        return 0;
    }
}
