package org.visualbackprop.io.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.io.onnx.proto.OnnxProto.AttributeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.GraphProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.ModelProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.NodeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.StringStringEntryProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorShapeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TypeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.ValueInfoProto;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.LogSoftmax;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Tanh;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Writes a {@link Network} as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}), so that a network
 * built or trained here runs in ONNX Runtime, and in PyTorch or TensorFlow through their ONNX importers.
 *
 * <p>The graph has one input {@code input} of float32 {@code [batch, C, H, W]} (a symbolic batch; {@code [batch, F]}
 * for a network of feature vectors without convolutions) and one output {@code output}. Each layer becomes one node
 * named as the layer ({@code conv1}, {@code bn1}, {@code fc1}, ...), its tensors initializers named
 * {@code conv1.weight}, {@code conv1.bias}, {@code bn1.running_mean}, ... stored as raw little-endian float32, so every
 * value keeps its bits:
 * <ul>
 * <li>{@link Conv2d}: {@code Conv} (kernel_shape, strides, pads {@code [padH, padW, padH, padW]}, dilations 1, group 1);</li>
 * <li>{@link BatchNorm2d}: {@code BatchNormalization} (epsilon; momentum {@code 1 - m}, ONNX's momentum weighing the
 *     old running value; since {@code 1 - m} is not always a float whose complement is {@code m} again, the exact
 *     {@code m} is also kept, where needed, in the model's metadata under {@code visualbackprop.momentum.NODE}, which
 *     {@link OnnxImport} reads);</li>
 * <li>{@link ReLU}: {@code Relu}; {@link Tanh}: {@code Tanh}; {@link MaxPool2d}: {@code MaxPool};
 *     {@link Flatten}: {@code Flatten} (axis 1);</li>
 * <li>{@link Dense}: {@code Gemm} with {@code transB = 1} (the weight as stored, {@code out x in}); a Dense that follows
 *     feature maps of {@code c x 1 x 1} without a Flatten gets a {@code Flatten} node first, which reads back as a
 *     {@link Flatten} layer;</li>
 * <li>{@link Dropout}: {@code Dropout} with its ratio as a scalar initializer (the identity at inference);</li>
 * <li>{@link LogSoftmax}: {@code LogSoftmax} over axis 1.</li>
 * </ul>
 * The {@link Provenance} goes into the model's {@code metadata_props}. Reading the file back with {@link OnnxImport}
 * gives the same layers with bit-identical tensors and settings, and the same provenance.
 */
public final class OnnxExport {
    /** The operator set version written. */
    public static final int OPSET = 13;
    /** The IR version written (the one that goes with opset 13, so that older runtimes load the files). */
    public static final int IR_VERSION = 7;
    /** The producer name written. */
    public static final String PRODUCER = "visualbackprop";

    private OnnxExport() {
    }

    /**
     * Writes {@code network} and {@code provenance} to {@code file} (replacing it).
     *
     * @throws IllegalArgumentException for a layer kind that has no ONNX operator here
     */
    public static void save(Network network, Provenance provenance, Path file) throws IOException {
        byte[] bytes = toBytes(network, provenance);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(bytes);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The ONNX model's bytes. */
    public static byte[] toBytes(Network network, Provenance provenance) {
        return model(network, provenance).toByteArray();
    }

    /** The ONNX model as a protobuf message. */
    static ModelProto model(Network network, Provenance provenance) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(provenance, "provenance");
        Shape in = network.inputShape();
        boolean spatial = network.layers().stream().anyMatch(l -> l instanceof Conv2d || l instanceof MaxPool2d);
        int rank = in.isVector() && !spatial ? 2 : 4;
        GraphProto.Builder graph = GraphProto.newBuilder().setName("visualbackprop");
        graph.addInput(valueInfo("input", rank == 4 ? new long[] {in.c(), in.h(), in.w()} : new long[] {in.c()}));
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion(version())
                .setDocString("A network of " + network.size() + " layers for inputs of " + in.describeSample()
                        + ", written by visualbackprop's OnnxExport")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        for (Map.Entry<String, String> e : provenance.entries().entrySet()) {
            model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(e.getKey()).setValue(e.getValue()));
        }
        String cur = "input";
        Shape s = in;
        for (int i = 0; i < network.size(); i++) {
            Layer l = network.layer(i);
            String name = network.name(i);
            String out = i == network.size() - 1 ? "output" : name;
            NodeProto.Builder node = NodeProto.newBuilder().setName(name).addInput(cur).addOutput(out);
            if (rank == 2 && l.window() != null) {
                throw new IllegalArgumentException("cannot write layer " + name + " (" + l.kind() + ") to ONNX: it follows a"
                        + " Flatten or Dense, whose output ONNX holds as a matrix, not as feature maps");
            }
            if (l instanceof Conv2d c) {
                Window w = c.window();
                node.setOpType("Conv").addInput(initializer(graph, name + ".weight", c.weight().value(), false));
                if (c.bias() != null) {
                    node.addInput(initializer(graph, name + ".bias", c.bias().value(), true));
                }
                node.addAttribute(ints("kernel_shape", w.kernelH(), w.kernelW()))
                        .addAttribute(ints("strides", w.strideH(), w.strideW()))
                        .addAttribute(ints("pads", w.padH(), w.padW(), w.padH(), w.padW()))
                        .addAttribute(ints("dilations", 1, 1))
                        .addAttribute(AttributeProto.newBuilder().setName("group").setType(AttributeProto.AttributeType.INT).setI(1));
            } else if (l instanceof BatchNorm2d b) {
                float onnxMomentum = (float) (1.0 - b.momentum());
                node.setOpType("BatchNormalization")
                        .addInput(initializer(graph, name + ".weight", b.gamma().value(), true))
                        .addInput(initializer(graph, name + ".bias", b.beta().value(), true))
                        .addInput(initializer(graph, name + ".running_mean", b.runningMean(), true))
                        .addInput(initializer(graph, name + ".running_var", b.runningVar(), true))
                        .addAttribute(floatAttr("epsilon", b.eps()))
                        .addAttribute(floatAttr("momentum", onnxMomentum));
                if (OnnxImport.momentum(onnxMomentum) != b.momentum()) {
                    model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(OnnxImport.MOMENTUM_KEY + name)
                            .setValue(Float.toString(b.momentum())));
                }
            } else if (l instanceof ReLU) {
                node.setOpType("Relu");
            } else if (l instanceof Tanh) {
                node.setOpType("Tanh");
            } else if (l instanceof MaxPool2d p) {
                Window w = p.window();
                node.setOpType("MaxPool")
                        .addAttribute(ints("kernel_shape", w.kernelH(), w.kernelW()))
                        .addAttribute(ints("strides", w.strideH(), w.strideW()))
                        .addAttribute(ints("pads", w.padH(), w.padW(), w.padH(), w.padW()));
            } else if (l instanceof Flatten) {
                node.setOpType("Flatten").addAttribute(AttributeProto.newBuilder().setName("axis")
                        .setType(AttributeProto.AttributeType.INT).setI(1));
                rank = 2;
            } else if (l instanceof Dense d) {
                if (rank == 4) {
                    String flat = name + "_flatten";
                    graph.addNode(NodeProto.newBuilder().setName(flat).setOpType("Flatten").addInput(cur).addOutput(flat)
                            .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(1)));
                    node.setInput(0, flat);
                    rank = 2;
                }
                Tensor w = d.weight().value();
                node.setOpType("Gemm").addInput(initializer(graph, name + ".weight",
                        new long[] {w.shape().n(), w.shape().c()}, w.data()));
                if (d.bias() != null) {
                    node.addInput(initializer(graph, name + ".bias", d.bias().value(), true));
                }
                node.addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1));
            } else if (l instanceof Dropout dr) {
                node.setOpType("Dropout").addInput(initializer(graph, name + ".ratio", new long[0], new float[] {dr.probability()}));
            } else if (l instanceof LogSoftmax) {
                node.setOpType("LogSoftmax").addAttribute(AttributeProto.newBuilder().setName("axis")
                        .setType(AttributeProto.AttributeType.INT).setI(1));
            } else {
                throw new IllegalArgumentException("cannot write layer " + name + " (" + l.kind() + ") to ONNX: supported are"
                        + " Conv2d, BatchNorm2d, ReLU, Tanh, MaxPool2d, Flatten, Dense, Dropout and LogSoftmax");
            }
            graph.addNode(node);
            s = l.outputShape(s);
            cur = out;
        }
        graph.addOutput(valueInfo("output", rank == 4 ? new long[] {s.c(), s.h(), s.w()} : new long[] {s.c()}));
        return model.setGraph(graph).build();
    }

    private static String version() {
        String v = OnnxExport.class.getPackage().getImplementationVersion();
        return v == null ? "development build" : v;
    }

    /** A float32 tensor input {@code [batch, dims...]}, the batch symbolic. */
    private static ValueInfoProto valueInfo(String name, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** Adds a float32 initializer with the tensor's values: as one vector ({@code [c]}) or with its four dims. */
    private static String initializer(GraphProto.Builder graph, String name, Tensor t, boolean vector) {
        Shape s = t.shape();
        return initializer(graph, name, vector ? new long[] {s.sampleSize() * (long) s.n()} : new long[] {s.n(), s.c(), s.h(), s.w()}, t.data());
    }

    private static String initializer(GraphProto.Builder graph, String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static AttributeProto floatAttr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }
}
