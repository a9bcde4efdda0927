package org.visualbackprop.io.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.io.onnx.OnnxGraph.Const;
import org.visualbackprop.io.onnx.proto.OnnxProto.ModelProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.NodeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorShapeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TypeProto;
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
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;

/**
 * Reads an ONNX model ({@code .onnx}, the format {@code torch.onnx.export}, tf2onnx and most frameworks write) into a
 * {@link Network}. The file is parsed by protobuf-java with the classes generated from the ONNX schema
 * ({@code onnx.proto}); this class turns the graph's nodes into layers.
 *
 * <p><b>Graphs.</b> The graph must be a chain, as the paper's networks are: one input (initializers also listed as
 * inputs, as older exporters write them, are weights), one output, and each node reading the output of the one before
 * it. A tensor read by two nodes (a residual connection) is refused, naming the node that branches. Inputs are
 * {@code N x C x H x W} images (or {@code N x F} vectors) of float32. The input size comes from the graph; where the
 * graph leaves it symbolic ({@code dynamic_axes} on height and width) it is given by the caller.
 *
 * <p><b>Operators</b> (the standard domain, any opset the file declares):
 * <ul>
 * <li>{@code Conv} to {@link Conv2d}: a 4-D weight, optional bias, {@code strides}, {@code pads} or {@code auto_pad};
 *     {@code dilations} 1 and {@code group} 1 only. ONNX pads each side on its own ({@code [top, left, bottom, right]});
 *     a {@link Window} pads both sides alike, so unequal pads are accepted only where the output size is the same with
 *     the leading pad on both sides (then the extra trailing rows are seen by no window, and both compute the same).</li>
 * <li>{@code MaxPool} to {@link MaxPool2d} (kernel, strides, pads or {@code auto_pad} as for Conv; {@code ceil_mode} only
 *     where it gives the floor-mode size, by PyTorch's rule that no window starts in the trailing padding).</li>
 * <li>{@code BatchNormalization} to {@link BatchNorm2d} (on feature maps or vectors): {@code epsilon}; ONNX's
 *     {@code momentum} weighs the old running value, so the layer's momentum is {@code 1 - momentum}; opsets before 7
 *     with {@code is_test} 0 and later ones with {@code training_mode} 1 are training mode ({@link
 *     OnnxModel#trainingModeBatchNorm}); {@code spatial} 0 (statistics per position) is refused.</li>
 * <li>{@code Gemm} to {@link Dense}: {@code transB} either way, {@code transA} 0, {@code alpha} and {@code beta}
 *     multiplied into the weight and bias (exact for the value 1 exporters write); {@code MatMul} by a constant matrix,
 *     with the {@code Add} of a constant vector that follows it as the bias.</li>
 * <li>{@code Flatten} (axis 1) and {@code Reshape} to {@link Flatten} when they make one vector of each sample (a
 *     target of {@code [N, -1]}, {@code [0, -1]}, {@code [-1, features]} or the graph's fixed batch size); a Reshape
 *     that keeps the shape is dropped.</li>
 * <li>{@code Relu} to {@link ReLU}, {@code Tanh} to {@link Tanh}, {@code Dropout} to {@link Dropout} (identity in
 *     evaluation mode), {@code LogSoftmax} over the features to {@link LogSoftmax}, {@code Identity} to nothing.</li>
 * <li>{@code Softmax} over the features, as the last node, to {@link LogSoftmax}: this project's classifiers end in
 *     LogSoftmax, and every explanation method starts from the class score (the logit) below that last layer, which is
 *     the same for either; the network then gives log-probabilities, whose exponentials are the file's output.</li>
 * </ul>
 * The sizes a Reshape needs may be computed by small subgraphs ({@code Shape}, {@code Gather}, {@code Unsqueeze},
 * {@code Concat}, {@code Squeeze}, {@code Constant}, {@code Cast}, {@code Identity}); they are evaluated while
 * reading. Anything else is refused with an {@link UnsupportedOnnxModelException} naming the node, its operator and
 * what is supported; damaged files give a {@link CorruptFileException}; weights stored outside the file are refused.
 */
public final class OnnxImport {
    /** The file name extension of ONNX models. */
    public static final String EXTENSION = ".onnx";
    /** The operators read into layers. */
    public static final String SUPPORTED = "Conv, BatchNormalization, Relu, MaxPool, Flatten, Reshape (to one vector per"
            + " sample), Gemm, MatMul (with an Add as its bias), Dropout, LogSoftmax, Softmax (as the last node), Tanh,"
            + " Identity";
    /** Metadata key prefix under which {@link OnnxExport} records each BatchNorm's exact momentum (see there). */
    static final String MOMENTUM_KEY = "visualbackprop.momentum.";
    /** ONNX files are protobuf messages, which are limited to 2 GB. */
    private static final long MAX_BYTES = Integer.MAX_VALUE - 8;

    private OnnxImport() {
    }

    /**
     * This project's BatchNorm momentum for ONNX's {@code momentum} attribute: {@code 1 - momentum}, rounded to 6
     * significant digits. PyTorch's momentum 0.1 is stored as the float nearest 0.9, whose complement is not the float
     * nearest 0.1; momenta are set with fewer digits.
     */
    static float momentum(float onnxMomentum) {
        double m = 1.0 - onnxMomentum;
        return Double.isFinite(m) ? Float.parseFloat(String.format(Locale.ROOT, "%.6g", m)) : (float) m;
    }

    /**
     * Reads an ONNX model with the input size its graph records.
     *
     * @throws CorruptFileException           when the file is not an ONNX model, is damaged, or its nodes do not fit
     *                                        the input size it records
     * @throws UnsupportedOnnxModelException for an operator, setting or graph shape this project cannot represent
     * @throws ShapeException                 when the graph's input size is symbolic (then give it:
     *                                        {@link #load(Path, Shape)})
     */
    public static OnnxModel load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * Reads an ONNX model for inputs of {@code inputShape} ({@code 1 x C x H x W}; its batch size is ignored), or of
     * the size the graph records when it is null.
     *
     * @throws ShapeException when the graph records another size, or the nodes do not fit the given one
     */
    public static OnnxModel load(Path file, Shape inputShape) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new CorruptFileException(file + ": " + size + " bytes, more than an ONNX file (a protobuf message) can hold");
        }
        return read(Files.readAllBytes(file), file.toString(), inputShape);
    }

    /**
     * Reads an ONNX model from its bytes.
     *
     * @param source     the file name, for messages
     * @param inputShape the input size, or null for the one the graph records
     */
    public static OnnxModel read(byte[] bytes, String source, Shape inputShape) throws IOException {
        ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CorruptFileException(source + ": not an ONNX model, or a damaged one (protobuf: " + e.getMessage() + ")", e);
        }
        return new Converter(model, source).run(inputShape);
    }

    /** One conversion. */
    private static final class Converter {
        private final ModelProto model;
        private final String source;
        private OnnxGraph g;
        private final List<String> notes = new ArrayList<>();
        private final Map<String, String> metadata;
        private boolean trainingBn;
        private int rank;
        private Long declaredBatch;

        Converter(ModelProto model, String source) {
            this.model = model;
            this.source = source;
            this.metadata = OnnxGraph.entries(model.getMetadataPropsList());
        }

        OnnxModel run(Shape requested) throws IOException {
            if (model.getIrVersion() < 1 || !model.hasGraph()) {
                throw new CorruptFileException(source + ": not an ONNX model (" + (model.getIrVersion() < 1
                        ? "no ir_version" : "no graph") + ")");
            }
            long opset = -1;
            for (OperatorSetIdProto o : model.getOpsetImportList()) {
                if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                    opset = o.getVersion();
                }
            }
            if (opset < 1) {
                if (model.getIrVersion() >= 3) {
                    throw new CorruptFileException(source + ": the model imports no version of the standard operator set"
                            + " (opset_import has no entry for the domain '')");
                }
                opset = 1; // before IR version 3 there was no opset_import: the first operator set
            }
            g = new OnnxGraph(source, model.getGraph(), opset);
            boolean fromUser = requested != null;
            Shape in = inputShape(requested);
            List<Layer> layers;
            try {
                layers = walk(in);
            } catch (ShapeException e) {
                if (fromUser) {
                    throw new ShapeException(source + ": " + e.getMessage());
                }
                throw new CorruptFileException(source + ": the nodes do not fit the input size the file records: " + e.getMessage());
            }
            if (layers.isEmpty()) {
                throw new UnsupportedOnnxModelException(source + ": the graph has no layers (its output is its input)");
            }
            String producer = (model.getProducerName() + " " + model.getProducerVersion()).trim();
            Map<String, String> prov = new LinkedHashMap<>();
            metadata.forEach((k, v) -> {
                if (!k.startsWith(MOMENTUM_KEY)) {
                    prov.put(k, v);
                }
            });
            if (prov.isEmpty()) {
                if (!producer.isEmpty()) {
                    prov.put("producer", producer);
                }
                prov.put("onnx_opset", Long.toString(opset));
            }
            if (trainingBn) {
                notes.add("its BatchNormalization nodes are in training mode: they normalize with the statistics of the batch");
            }
            return new OnnxModel(Network.of(in, layers), source, producer, opset, Provenance.of(prov), notes, trainingBn);
        }

        /** The input size: the graph's, checked against or completed by the requested one. */
        private Shape inputShape(Shape requested) throws IOException {
            String name = "the graph's input '" + g.input + "'";
            TypeProto type = g.inputInfo.getType();
            if (!g.inputInfo.hasType() || !type.hasTensorType()) {
                throw new UnsupportedOnnxModelException(source + ": " + name + " is not a tensor");
            }
            int elem = type.getTensorType().getElemType();
            if (elem != TensorProto.DataType.FLOAT_VALUE) {
                TensorProto.DataType dt = TensorProto.DataType.forNumber(elem);
                throw new UnsupportedOnnxModelException(source + ": " + name + " holds " + (dt == null ? "data type " + elem : dt)
                        + " values; only float32 (FLOAT) inputs are supported");
            }
            List<Long> dims = new ArrayList<>();
            List<String> shown = new ArrayList<>();
            if (type.getTensorType().hasShape()) {
                for (TensorShapeProto.Dimension d : type.getTensorType().getShape().getDimList()) {
                    if (d.hasDimValue()) {
                        if (d.getDimValue() < 1 || d.getDimValue() > Integer.MAX_VALUE) {
                            throw new CorruptFileException(source + ": " + name + " has size " + d.getDimValue()
                                    + " in a dimension (expected a positive size or a symbolic one)");
                        }
                        dims.add(d.getDimValue());
                        shown.add(Long.toString(d.getDimValue()));
                    } else {
                        dims.add(null);
                        shown.add(d.getDimParam().isEmpty() ? "?" : d.getDimParam());
                    }
                }
            } else if (requested != null) {
                dims.addAll(Arrays.asList(null, null, null, null));
                shown.addAll(List.of("?", "?", "?", "?"));
            } else {
                throw new ShapeException(source + ": " + name + " records no size; give the input size (CxHxW: --input-shape"
                        + " on the command line, Models.load(file, shape) in Java)");
            }
            if (dims.size() != 4 && dims.size() != 2) {
                throw new UnsupportedOnnxModelException(source + ": " + name + " has " + dims.size() + " dimensions " + shown
                        + "; expected images N x C x H x W (or feature vectors N x F)");
            }
            rank = dims.size();
            declaredBatch = dims.get(0);
            Long[] chw = rank == 4 ? new Long[] {dims.get(1), dims.get(2), dims.get(3)} : new Long[] {dims.get(1), 1L, 1L};
            if (requested != null) {
                int[] want = {requested.c(), requested.h(), requested.w()};
                for (int k = 0; k < 3; k++) {
                    if (chw[k] != null && chw[k] != want[k]) {
                        throw new ShapeException(source + ": the file records the input size " + String.join(" x ", shown.subList(1, shown.size()))
                                + (rank == 2 ? " (feature vectors)" : "") + ", not the " + requested.describeSample() + " asked for");
                    }
                }
                return requested.withBatch(1);
            }
            if (chw[0] == null || chw[1] == null || chw[2] == null) {
                throw new ShapeException(source + ": " + name + " has a symbolic size " + shown + "; give the input size (CxHxW:"
                        + " --input-shape on the command line, Models.load(file, shape) in Java)");
            }
            try {
                return new Shape(1, chw[0].intValue(), chw[1].intValue(), chw[2].intValue());
            } catch (ShapeException e) {
                throw new CorruptFileException(source + ": " + name + " has size " + shown + ": " + e.getMessage());
            }
        }

        /** Follows the chain from the input to the output, converting each node. */
        private List<Layer> walk(Shape input) throws IOException {
            List<Layer> layers = new ArrayList<>();
            Set<Integer> seen = new HashSet<>();
            String cur = g.input;
            Shape s = input;
            g.setDataDims(cur, dims(s));
            while (true) {
                List<Integer> readers = g.dataConsumers(cur);
                boolean isOutput = cur.equals(g.output);
                if (readers.size() + (isOutput ? 1 : 0) > 1) {
                    throw branches(cur, readers, isOutput);
                }
                if (readers.isEmpty()) {
                    if (isOutput) {
                        return layers;
                    }
                    throw new UnsupportedOnnxModelException(source + ": " + from(cur) + " is read by no node and is not"
                            + " the graph's output '" + g.output + "'; " + (g.isData(g.output) ? "only chains of layers are supported"
                            : "the output does not depend on the input"));
                }
                int i = readers.get(0);
                if (!seen.add(i)) {
                    throw new CorruptFileException(source + ": the graph has a cycle through " + g.describe(i));
                }
                NodeProto n = g.node(i);
                if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
                    throw new UnsupportedOnnxModelException(source + ": unsupported operator " + n.getDomain() + "." + n.getOpType()
                            + " at " + g.describe(i) + ": the domain '" + n.getDomain() + "' is not the standard ONNX one"
                            + " (supported: " + SUPPORTED + ")");
                }
                checkInputs(i, cur);
                Step step = convert(i, s);
                seen.add(step.lastNode());
                for (Layer l : step.layers()) {
                    try {
                        s = l.outputShape(s);
                    } catch (ShapeException e) {
                        throw new ShapeException(g.describe(i) + " does not fit " + (layers.isEmpty() ? "the network input "
                                : "what the nodes before it give for the network input ") + input.describeSample() + ": " + e.getMessage());
                    }
                    layers.add(l);
                }
                rank = step.rank();
                cur = g.node(step.lastNode()).getOutput(0);
                checkOtherOutputs(step.lastNode());
                g.setDataDims(cur, dims(s));
            }
        }

        /** What one node (or a MatMul with its Add) becomes, the rank of its output, and the last node it used. */
        private record Step(List<Layer> layers, int rank, int lastNode) {
        }

        private long[] dims(Shape s) {
            return rank == 4 ? new long[] {OnnxGraph.BATCH, s.c(), s.h(), s.w()} : new long[] {OnnxGraph.BATCH, s.c()};
        }

        private String from(String tensor) {
            int p = g.producer(tensor);
            return p < 0 ? "the graph's input '" + tensor + "'" : "the output '" + tensor + "' of " + g.describe(p);
        }

        private UnsupportedOnnxModelException branches(String tensor, List<Integer> readers, boolean isOutput) {
            int p = g.producer(tensor);
            List<String> who = new ArrayList<>();
            readers.forEach(r -> who.add(g.describe(r)));
            if (isOutput) {
                who.add("the graph's output");
            }
            String brancher = p < 0 ? "the graph's input '" + tensor + "'" : g.describe(p);
            return new UnsupportedOnnxModelException(source + ": the graph is not a chain: " + brancher + " branches: "
                    + (p < 0 ? "it" : "its output '" + tensor + "'") + " is read by " + String.join(" and ", who)
                    + "; only chains of layers, each node feeding the next as in the paper's networks, are supported"
                    + " (not residual connections or other branches)");
        }

        /** The data must come in as the node's first input, and nothing else it reads may be computed from the input. */
        private void checkInputs(int i, String cur) throws IOException {
            NodeProto n = g.node(i);
            if (n.getInputCount() == 0 || !n.getInput(0).equals(cur)) {
                throw new UnsupportedOnnxModelException(source + ": " + g.describe(i) + " reads the computed tensor '" + cur
                        + "' as its input " + (n.getInputList().indexOf(cur) + 1) + "; only nodes that take it as their"
                        + " first input are supported");
            }
            for (int k = 1; k < n.getInputCount(); k++) {
                String in = n.getInput(k);
                if (!in.isEmpty() && g.isData(in)) {
                    throw new UnsupportedOnnxModelException(source + ": the graph is not a chain: " + g.describe(i)
                            + " combines two computed tensors ('" + cur + "' and '" + in + "'); only chains of layers are"
                            + " supported (not residual connections or other branches)");
                }
            }
        }

        /** Second outputs (BatchNorm's statistics, Dropout's mask, MaxPool's indices) must go unused. */
        private void checkOtherOutputs(int i) throws UnsupportedOnnxModelException {
            NodeProto n = g.node(i);
            for (int k = 1; k < n.getOutputCount(); k++) {
                String o = n.getOutput(k);
                if (!o.isEmpty() && (!g.consumers(o).isEmpty() || o.equals(g.output))) {
                    throw new UnsupportedOnnxModelException(source + ": the graph is not a chain: " + g.describe(i)
                            + " gives a second output '" + o + "' that " + (o.equals(g.output) ? "is the graph's output"
                            : "is read by " + g.describe(g.consumers(o).get(0))) + "; only its first output is supported");
                }
            }
        }

        private Step convert(int i, Shape in) throws IOException {
            NodeProto n = g.node(i);
            String op = n.getOpType();
            try {
                return switch (op) {
                    case "Conv" -> one(conv(i, in), 4, i);
                    case "MaxPool" -> one(maxPool(i, in), 4, i);
                    case "BatchNormalization" -> one(batchNorm(i), rank, i);
                    case "Relu" -> one(ReLU.of(), rank, i);
                    case "Tanh" -> one(Tanh.of(), rank, i);
                    case "Identity" -> new Step(List.of(), rank, i);
                    case "Dropout" -> one(dropout(i), rank, i);
                    case "Flatten" -> one(flatten(i), 2, i);
                    case "Reshape" -> reshape(i, in);
                    case "Gemm" -> one(gemm(i), 2, i);
                    case "MatMul" -> matMul(i);
                    case "LogSoftmax" -> one(softmax(i, in, false), rank, i);
                    case "Softmax" -> one(softmax(i, in, true), rank, i);
                    case "Add" -> throw unsupported(i, "Add is supported only as the bias that follows a MatMul, not on its own"
                            + " (supported: " + SUPPORTED + ")");
                    default -> throw new UnsupportedOnnxModelException(source + ": unsupported operator " + op + " at "
                            + g.describe(i).replaceFirst(" \\([^(]*\\)$", "") + " (supported: " + SUPPORTED + ")");
                };
            } catch (ShapeException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                // a layer's factory refused a value the file gave
                throw new CorruptFileException(source + ": " + g.describe(i) + ": " + e.getMessage(), e);
            }
        }

        private Step one(Layer l, int outRank, int i) {
            return new Step(List.of(l), outRank, i);
        }

        private UnsupportedOnnxModelException unsupported(int i, String what) {
            return new UnsupportedOnnxModelException(source + ": unsupported " + g.describe(i) + ": " + what);
        }

        private CorruptFileException corrupt(int i, String what) {
            return new CorruptFileException(source + ": " + g.describe(i) + ": " + what);
        }

        private void needRank(int i, int want, Shape in) throws IOException {
            if (rank != want) {
                String got = rank == 4 ? "feature maps " + in.describeSample() : "feature vectors of " + in.c();
                throw unsupported(i, "it needs " + (want == 4 ? "feature maps (N x C x H x W)" : "feature vectors (N x F)")
                        + " but gets " + got);
            }
        }

        // ---- weights

        /** A float constant read as input {@code k}: checked to hold finite values. */
        private Const weight(int i, String name) throws IOException {
            Const c = g.constant(name, i);
            if (c.floats() == null) {
                throw corrupt(i, "its input '" + name + "' holds integers (expected float32 weights)");
            }
            float[] v = c.floats();
            for (int q = 0; q < v.length; q++) {
                if (!Float.isFinite(v[q])) {
                    throw corrupt(i, "its weight '" + name + "' holds " + v[q] + " at index " + q + " (expected finite values)");
                }
            }
            return c;
        }

        private static int toInt(long v) {
            return v > Integer.MAX_VALUE || v < Integer.MIN_VALUE ? -1 : (int) v;
        }

        /** A per-output vector (a bias) of {@code n} values: dims [n], [1, n], or one value for all. */
        private float[] vector(int i, Const c, int n, String what) throws IOException {
            if (c.size() == n && (c.rank() == 1 || c.rank() == 2 && c.dims()[0] == 1)) {
                return c.floats().clone();
            }
            if (c.size() == 1 && c.rank() <= 2) {
                float[] v = new float[n];
                Arrays.fill(v, c.floats()[0]);
                return v;
            }
            throw unsupported(i, what + " has dims " + Arrays.toString(c.dims()) + " (expected one value per output, [" + n + "])");
        }

        // ---- operators

        private Conv2d conv(int i, Shape in) throws IOException {
            needRank(i, 4, in);
            Const w = weight(i, g.input(i, 1));
            long[] wd = w.dims();
            if (wd.length != 4) {
                throw unsupported(i, "its weight has dims " + Arrays.toString(wd) + "; only 2-D convolutions (a weight of"
                        + " out x in x kH x kW) are supported");
            }
            for (long d : wd) {
                if (d < 1) {
                    throw corrupt(i, "its weight has dims " + Arrays.toString(wd) + " (expected sizes >= 1)");
                }
            }
            long group = g.attrInt(i, "group", 1);
            if (group != 1) {
                throw unsupported(i, "it has group " + group + " (only ungrouped convolutions, group 1, are supported)");
            }
            long[] dil = g.attrInts(i, "dilations");
            if (dil != null && Arrays.stream(dil).anyMatch(d -> d != 1)) {
                throw unsupported(i, "it has dilations " + Arrays.toString(dil) + " (only dilation 1 is supported)");
            }
            int kh = (int) wd[2];
            int kw = (int) wd[3];
            long[] ks = g.attrInts(i, "kernel_shape");
            if (ks != null && !Arrays.equals(ks, new long[] {kh, kw})) {
                throw corrupt(i, "kernel_shape " + Arrays.toString(ks) + " does not match its weight's dims " + Arrays.toString(wd));
            }
            int[] st = strides(i);
            int[] pad = pads(i, in, kh, kw, st, false);
            int out = (int) wd[0];
            Tensor weight = Tensor.wrap(new Shape(out, (int) wd[1], kh, kw), w.floats());
            String b = g.optionalInput(i, 2);
            Tensor bias = b == null ? null : Tensor.wrap(Shape.vector(1, out), vector(i, weight(i, b), out, "its bias"));
            return Conv2d.withWeights(new Window(kh, kw, st[0], st[1], pad[0], pad[1]), weight, bias);
        }

        private int[] strides(int i) throws IOException {
            long[] st = g.attrInts(i, "strides");
            if (st == null) {
                return new int[] {1, 1};
            }
            if (st.length != 2 || st[0] < 1 || st[1] < 1 || st[0] > 1 << 20 || st[1] > 1 << 20) {
                throw corrupt(i, "strides " + Arrays.toString(st) + " (expected two strides >= 1)");
            }
            return new int[] {(int) st[0], (int) st[1]};
        }

        private MaxPool2d maxPool(int i, Shape in) throws IOException {
            needRank(i, 4, in);
            long[] ks = g.attrInts(i, "kernel_shape");
            if (ks == null || ks.length != 2 || ks[0] < 1 || ks[1] < 1 || ks[0] > 1 << 20 || ks[1] > 1 << 20) {
                throw corrupt(i, "kernel_shape " + (ks == null ? "is missing" : Arrays.toString(ks)) + " (expected two sizes >= 1)");
            }
            long[] dil = g.attrInts(i, "dilations");
            if (dil != null && Arrays.stream(dil).anyMatch(d -> d != 1)) {
                throw unsupported(i, "it has dilations " + Arrays.toString(dil) + " (only dilation 1 is supported)");
            }
            boolean ceil = g.attrInt(i, "ceil_mode", 0) != 0;
            int[] st = strides(i);
            int[] pad = pads(i, in, (int) ks[0], (int) ks[1], st, ceil);
            return MaxPool2d.of(new Window((int) ks[0], (int) ks[1], st[0], st[1], pad[0], pad[1]));
        }

        /** The symmetric padding per axis equivalent to the node's pads or auto_pad (see the class comment). */
        private int[] pads(int i, Shape in, int kh, int kw, int[] st, boolean ceil) throws IOException {
            String auto = g.attrString(i, "auto_pad", "NOTSET");
            long[] p;
            switch (auto) {
                case "NOTSET", "" -> {
                    p = g.attrInts(i, "pads");
                    if (p == null) {
                        p = new long[4];
                    }
                    if (p.length != 4 || Arrays.stream(p).anyMatch(v -> v < 0 || v > 1 << 20)) {
                        throw corrupt(i, "pads " + Arrays.toString(p) + " (expected [top, left, bottom, right], each >= 0)");
                    }
                }
                case "VALID" -> p = new long[4];
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long th = same(in.h(), kh, st[0]);
                    long tw = same(in.w(), kw, st[1]);
                    boolean upper = auto.equals("SAME_UPPER");
                    p = new long[] {upper ? th / 2 : th - th / 2, upper ? tw / 2 : tw - tw / 2,
                            upper ? th - th / 2 : th / 2, upper ? tw - tw / 2 : tw / 2};
                }
                default -> throw corrupt(i, "auto_pad '" + auto + "' (expected NOTSET, VALID, SAME_UPPER or SAME_LOWER)");
            }
            return new int[] {axisPad(i, "height", in.h(), kh, st[0], (int) p[0], (int) p[2], ceil),
                    axisPad(i, "width", in.w(), kw, st[1], (int) p[1], (int) p[3], ceil)};
        }

        /** auto_pad SAME: the total padding that gives ceil(n / s) outputs. */
        private static long same(int n, int k, int s) {
            long out = (n + s - 1) / s;
            return Math.max(0, (out - 1) * s + k - n);
        }

        private int axisPad(int i, String axis, int n, int k, int s, int begin, int end, boolean ceil) throws IOException {
            long span = (long) n + begin + end - k;
            if (span < 0) {
                throw new ShapeException(g.describe(i) + ": its kernel " + k + " does not fit the input " + axis + " " + n
                        + " with padding " + begin + " and " + end);
            }
            if (begin >= k) {
                throw unsupported(i, "its padding " + begin + " before the " + axis + " is not smaller than the kernel " + k);
            }
            long theirs;
            if (ceil) {
                theirs = Math.floorDiv(span + s - 1, s) + 1;
                if ((theirs - 1) * s >= (long) n + begin) {
                    theirs--; // PyTorch's rule: the last window must start inside the input or the leading padding
                }
            } else {
                theirs = span / s + 1;
            }
            long oursSpan = (long) n + 2L * begin - k;
            long ours = oursSpan < 0 ? 0 : oursSpan / s + 1;
            if (theirs != ours) {
                String how = (begin != end ? "padding " + begin + " before and " + end + " after" : "padding " + begin)
                        + (ceil ? " with ceil_mode 1" : "");
                throw unsupported(i, "its " + how + " gives an output " + axis + " of " + theirs + " from " + n + ", where "
                        + (ceil ? "floor mode with " : "") + "padding " + begin + " on both sides gives " + ours
                        + " (only padding that is the same on both sides, or whose extra rows no window reaches, and"
                        + " ceil_mode where it equals floor mode, are supported)");
            }
            return begin;
        }

        private BatchNorm2d batchNorm(int i) throws IOException {
            Const scale = weight(i, g.input(i, 1));
            Const bias = weight(i, g.input(i, 2));
            Const mean = weight(i, g.input(i, 3));
            Const var = weight(i, g.input(i, 4));
            int c = mean.size();
            for (Const t : new Const[] {scale, bias, var}) {
                if (t.size() != c || t.rank() > 1) {
                    throw corrupt(i, "its scale, bias, mean and variance have dims " + Arrays.toString(scale.dims()) + ", "
                            + Arrays.toString(bias.dims()) + ", " + Arrays.toString(mean.dims()) + ", " + Arrays.toString(var.dims())
                            + " (expected one value per channel each)");
                }
            }
            if (c < 1 || mean.rank() > 1) {
                throw corrupt(i, "its mean has dims " + Arrays.toString(mean.dims()) + " (expected one value per channel)");
            }
            if (g.attrInt(i, "spatial", 1) != 1) {
                throw unsupported(i, "it has spatial 0 (statistics per position, not per channel); only spatial 1 is supported");
            }
            if (g.attrInt(i, "training_mode", 0) != 0 || g.opset < 7 && g.attrInt(i, "is_test", 0) == 0) {
                trainingBn = true;
            }
            float eps = g.attrFloat(i, "epsilon", 1e-5f);
            float onnxMomentum = g.attrFloat(i, "momentum", 0.9f);
            float momentum = momentum(onnxMomentum);
            String exact = metadata.get(MOMENTUM_KEY + g.node(i).getName());
            if (exact != null) {
                try {
                    float m = Float.parseFloat(exact);
                    if (Math.abs(m - momentum) < 1e-6) {
                        momentum = m;
                    }
                } catch (NumberFormatException e) {
                    // not ours: keep the attribute's value
                }
            }
            Shape v = Shape.vector(1, c);
            return BatchNorm2d.withStatistics(eps, momentum, Tensor.wrap(v, scale.floats()), Tensor.wrap(v, bias.floats()),
                    Tensor.wrap(v, mean.floats()), Tensor.wrap(v, var.floats()));
        }

        private Dropout dropout(int i) throws IOException {
            float p = 0.5f;
            if (g.attribute(i, "ratio") != null) {
                p = g.attrFloat(i, "ratio", 0.5f);
            } else if (g.optionalInput(i, 1) != null) {
                Const r = weight(i, g.optionalInput(i, 1));
                if (r.size() != 1) {
                    throw corrupt(i, "its ratio has dims " + Arrays.toString(r.dims()) + " (expected one value)");
                }
                p = r.floats()[0];
            }
            String mode = g.optionalInput(i, 2);
            if (mode != null) {
                Const t = g.constant(mode, i);
                if (t.ints() != null && t.size() == 1 && t.ints()[0] != 0) {
                    throw unsupported(i, "its training_mode is true: it drops values at random when run; only inference-mode"
                            + " dropout (the identity) is supported");
                }
            }
            if (!(p >= 0 && p < 1)) {
                throw corrupt(i, "its ratio is " + p + " (expected 0 <= ratio < 1)");
            }
            return Dropout.of(p, 0L);
        }

        private Flatten flatten(int i) throws IOException {
            long axis = g.attrInt(i, "axis", 1);
            long a = axis < 0 ? axis + rank : axis;
            if (a != 1) {
                throw unsupported(i, "it flattens at axis " + axis + " of a tensor of rank " + rank + "; only axis 1 (one"
                        + " vector per sample) is supported");
            }
            return Flatten.of();
        }

        private Step reshape(int i, Shape in) throws IOException {
            long[] t;
            String shapeInput = g.optionalInput(i, 1);
            if (shapeInput != null) {
                Const c = g.constant(shapeInput, i);
                if (c.ints() == null || c.rank() != 1) {
                    throw corrupt(i, "its target shape has dims " + Arrays.toString(c.dims()) + (c.ints() == null ? " of floats" : "")
                            + " (expected a list of int64 sizes)");
                }
                t = c.ints();
            } else {
                t = g.attrInts(i, "shape"); // opsets before 5
                if (t == null) {
                    throw corrupt(i, "it has no target shape");
                }
            }
            boolean allowZero = g.attrInt(i, "allowzero", 0) != 0;
            String shown = Arrays.toString(Arrays.stream(t).mapToObj(v -> v == OnnxGraph.BATCH ? "N" : Long.toString(v)).toArray());
            long[] d = dims(in);
            long samples = in.sampleSize();
            if (allowZero && Arrays.stream(t).anyMatch(v -> v == 0)) {
                throw unsupported(i, "it reshapes to " + shown + " with allowzero 1 (a dimension of size 0)");
            }
            if (t.length == d.length && keeps(t, d)) {
                return new Step(List.of(), rank, i);
            }
            if (t.length == 2) {
                boolean batch = isBatch(t[0]);
                boolean rest = t[1] == -1 || t[1] == samples || t[1] == 0 && d[1] == samples;
                if (batch && rest || t[0] == -1 && t[1] == samples) {
                    return one(Flatten.of(), 2, i);
                }
                if ((batch || t[0] == -1) && t[1] > 0) {
                    throw new ShapeException(g.describe(i) + " reshapes each sample into " + t[1] + " values, but the nodes"
                            + " before it give " + in.describeSample() + " = " + samples + ": the input size does not fit the model");
                }
            }
            throw unsupported(i, "it reshapes " + Arrays.toString(Arrays.stream(d).mapToObj(v -> v == OnnxGraph.BATCH ? "N" : Long.toString(v)).toArray())
                    + " to " + shown + "; only a reshape that makes one vector of each sample ([N, -1]) is supported");
        }

        private boolean isBatch(long v) {
            return v == OnnxGraph.BATCH || v == 0 || declaredBatch != null && v == declaredBatch;
        }

        /** True when reshaping dims {@code d} to target {@code t} changes nothing. */
        private boolean keeps(long[] t, long[] d) {
            if (!(isBatch(t[0]) || t[0] == -1)) {
                return false;
            }
            int minus = t[0] == -1 ? 1 : 0;
            for (int j = 1; j < t.length; j++) {
                if (t[j] == -1) {
                    minus++;
                } else if (t[j] != 0 && t[j] != d[j]) {
                    return false;
                }
            }
            return minus <= 1;
        }

        private Dense gemm(int i) throws IOException {
            if (rank != 2) {
                throw corrupt(i, "Gemm multiplies matrices, but it gets a tensor of rank " + rank);
            }
            if (g.attrInt(i, "transA", 0) != 0) {
                throw unsupported(i, "it has transA 1 (the batch along the columns); only transA 0 is supported");
            }
            boolean transB = g.attrInt(i, "transB", 0) != 0;
            float alpha = g.attrFloat(i, "alpha", 1f);
            float beta = g.attrFloat(i, "beta", 1f);
            Const b = weight(i, g.input(i, 1));
            if (b.rank() != 2 || b.dims()[0] < 1 || b.dims()[1] < 1) {
                throw corrupt(i, "its B has dims " + Arrays.toString(b.dims()) + " (expected a matrix)");
            }
            int out = (int) (transB ? b.dims()[0] : b.dims()[1]);
            int inF = (int) (transB ? b.dims()[1] : b.dims()[0]);
            float[] w = transB ? b.floats().clone() : transpose(b.floats(), inF, out);
            if (alpha != 1f) {
                for (int q = 0; q < w.length; q++) {
                    w[q] *= alpha;
                }
            }
            String c = g.optionalInput(i, 2);
            float[] bias = null;
            if (c != null) {
                bias = vector(i, weight(i, c), out, "its C");
                if (beta != 1f) {
                    for (int q = 0; q < bias.length; q++) {
                        bias[q] *= beta;
                    }
                }
            }
            if (alpha != 1f || beta != 1f && c != null) {
                notes.add(g.describe(i) + ": alpha " + alpha + " and beta " + beta + " multiplied into its weight and bias");
            }
            return Dense.withWeights(Tensor.wrap(new Shape(out, inF, 1, 1), w), bias == null ? null : Tensor.wrap(Shape.vector(1, out), bias));
        }

        private static float[] transpose(float[] m, int rows, int cols) {
            float[] t = new float[m.length];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t[c * rows + r] = m[r * cols + c];
                }
            }
            return t;
        }

        private Step matMul(int i) throws IOException {
            if (rank != 2) {
                throw unsupported(i, "MatMul on feature maps multiplies along their last axis; only MatMul of feature"
                        + " vectors (N x F) by a constant matrix is supported");
            }
            Const b = weight(i, g.input(i, 1));
            if (b.rank() != 2 || b.dims()[0] < 1 || b.dims()[1] < 1) {
                throw unsupported(i, "its second input has dims " + Arrays.toString(b.dims()) + "; only a constant matrix"
                        + " (in x out) is supported");
            }
            int inF = (int) b.dims()[0];
            int out = (int) b.dims()[1];
            float[] w = transpose(b.floats(), inF, out);
            String y = g.node(i).getOutput(0);
            List<Integer> next = g.consumers(y);
            if (!y.equals(g.output) && next.size() == 1 && g.node(next.get(0)).getOpType().equals("Add")) {
                int a = next.get(0);
                NodeProto add = g.node(a);
                if (add.getInputCount() == 2 && (add.getDomain().isEmpty() || add.getDomain().equals("ai.onnx"))) {
                    String other = add.getInput(0).equals(y) ? add.getInput(1) : add.getInput(0);
                    if (g.isConstant(other) && !other.equals(y)) {
                        float[] bias = vector(a, weight(a, other), out, "the bias it adds");
                        return new Step(List.of(Dense.withWeights(Tensor.wrap(new Shape(out, inF, 1, 1), w),
                                Tensor.wrap(Shape.vector(1, out), bias))), 2, a);
                    }
                }
            }
            return one(Dense.withWeights(Tensor.wrap(new Shape(out, inF, 1, 1), w), null), 2, i);
        }

        private LogSoftmax softmax(int i, Shape in, boolean isSoftmax) throws IOException {
            long axis = g.attrInt(i, "axis", g.opset >= 13 ? -1 : 1);
            long a = axis < 0 ? axis + rank : axis;
            boolean features = a == 1 && (rank == 2 || in.h() == 1 && in.w() == 1);
            String op = isSoftmax ? "Softmax" : "LogSoftmax";
            if (!features) {
                throw unsupported(i, op + " over axis " + axis + " of " + (rank == 4 ? "feature maps " + in.describeSample()
                        : "feature vectors") + "; only " + op + " over the features of a vector (axis 1) is supported");
            }
            if (isSoftmax) {
                String y = g.node(i).getOutput(0);
                if (!y.equals(g.output) || !g.dataConsumers(y).isEmpty()) {
                    throw unsupported(i, "Softmax is supported only as the network's last node (it is read as LogSoftmax)");
                }
                notes.add(g.describe(i) + " is read as LogSoftmax: the network gives log-probabilities (their exponentials"
                        + " are the file's output); explanations start from the class scores below it, as for LogSoftmax");
            }
            return LogSoftmax.of();
        }
    }
}
