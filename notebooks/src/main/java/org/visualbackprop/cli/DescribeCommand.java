package org.visualbackprop.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Window;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vbp describe}: a network's layers as a table like the paper's Table 1. */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = {"Print a network's layers like the paper's Table 1: output size (C x H x W), filter, stride, parameters.",
                "NETWORK is netsvf, nethvf, signnet or a model file (.vbpm, Torch7 .t7/.t7b, or ONNX .onnx)."})
final class DescribeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NETWORK", description = "netsvf, nethvf, signnet, or a model file")
    String network;

    @Option(names = "--input-shape", paramLabel = "CxHxW", description = "Input size for Torch7 models, which do not record it (default: the first of the paper's sizes that fits), and ONNX models whose size is symbolic.")
    String inputShape;

    @Option(names = "--paper-rows", description = "Only the conv and fully connected rows, as the paper's tables show them.")
    boolean paperRows;

    @Override
    public Integer call() throws Exception {
        Models.Loaded m = Models.resolve(network, 1L, inputShape);
        print(m, paperRows, System.out);
        return 0;
    }

    static void print(Models.Loaded m, boolean paperRows, PrintStream out) {
        Network net = m.network();
        List<Shape> shapes = net.shapes(1);
        out.println(m.source() + ": input " + net.inputShape().describeSample());
        String fmt = "%-12s %-12s %-18s %-7s %-7s %12s%n";
        out.printf(fmt, "Layer", "Kind", "Output size", "Filter", "Stride", "Parameters");
        out.println("-".repeat(73));
        for (int i = 0; i < net.size(); i++) {
            Layer l = net.layer(i);
            boolean main = l instanceof org.visualbackprop.nn.Conv2d || l instanceof org.visualbackprop.nn.Dense;
            if (paperRows && !main) {
                continue;
            }
            Window w = l.window();
            out.printf(fmt, net.name(i), l.kind(), shapes.get(i).describeSample(),
                    w == null ? "-" : w.describeKernel(), w == null ? "-" : w.describeStride(),
                    l.parameterCount() == 0 ? "-" : String.format("%,d", l.parameterCount()));
        }
        out.println("-".repeat(73));
        out.printf("%-12s %59s%n", "Total", String.format("%,d", net.parameterCount()));
        if (!m.provenance().entries().isEmpty()) {
            out.println("Made with: " + m.provenance().entries());
        }
    }
}
