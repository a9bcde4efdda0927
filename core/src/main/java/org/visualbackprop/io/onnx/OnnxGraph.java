package org.visualbackprop.io.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.onnx.proto.OnnxProto.AttributeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.GraphProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.NodeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * One ONNX graph made searchable: which node produces and which nodes read each tensor, the initializers, whether a
 * tensor depends on the graph's input ("data") or is a constant, and the values of constants, folded from the small
 * subgraphs exporters emit around {@code Reshape} ({@code Shape}, {@code Gather}, {@code Unsqueeze}, {@code Concat},
 * {@code Constant}, ...). Every problem becomes a {@link CorruptFileException} or an
 * {@link UnsupportedOnnxModelException} naming the file, the node and the tensor.
 *
 * <p>Integer constants may hold {@link #BATCH}: the batch size, unknown until the network runs (the first dimension
 * that a {@code Shape} node reads from the data).
 */
final class OnnxGraph {
    /** An integer constant's entry that stands for the batch size. */
    static final long BATCH = Long.MIN_VALUE;
    /** The operators whose constant results are computed while reading. */
    static final String FOLDED = "Constant, Identity, Shape, Gather, Unsqueeze, Squeeze, Concat, Cast";
    /** How deep a constant subgraph may be (exporters emit a handful of nodes). */
    private static final int MAX_FOLD_DEPTH = 64;
    /** The most values one tensor may hold (a Java array of floats). */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

    /** A constant: its dimensions and either float or integer values, row-major. */
    record Const(long[] dims, float[] floats, long[] ints) {
        int size() {
            return floats != null ? floats.length : ints.length;
        }

        int rank() {
            return dims.length;
        }
    }

    final String source;
    final GraphProto graph;
    final long opset;
    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Map<String, Integer> producers = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();
    private final Map<String, Boolean> data = new HashMap<>();
    private final Map<String, Const> folded = new HashMap<>();
    /** ONNX dimensions of data tensors already converted (for Shape nodes); the first is {@link #BATCH}. */
    private final Map<String, long[]> dataDims = new HashMap<>();
    final String input;
    final ValueInfoProto inputInfo;
    final String output;

    OnnxGraph(String source, GraphProto graph, long opset) throws CorruptFileException, UnsupportedOnnxModelException {
        this.source = source;
        this.graph = graph;
        this.opset = opset;
        if (graph.getSparseInitializerCount() > 0) {
            throw unsupported("the graph has " + graph.getSparseInitializerCount() + " sparse initializer(s) ('"
                    + graph.getSparseInitializer(0).getValues().getName() + "'); only dense tensors are supported");
        }
        for (TensorProto t : graph.getInitializerList()) {
            if (t.getName().isEmpty()) {
                throw corrupt("an initializer of the graph has no name");
            }
            if (initializers.put(t.getName(), t) != null) {
                throw corrupt("two initializers are named '" + t.getName() + "'");
            }
        }
        // graph inputs that are also initializers are weights (exporters before IR version 4 list them as inputs)
        List<ValueInfoProto> inputs = new ArrayList<>();
        for (ValueInfoProto v : graph.getInputList()) {
            if (!initializers.containsKey(v.getName())) {
                inputs.add(v);
            }
        }
        if (inputs.size() != 1) {
            throw unsupported("the graph has " + inputs.size() + " inputs besides its weights ("
                    + String.join(", ", inputs.stream().map(v -> "'" + v.getName() + "'").toList())
                    + "); only networks with one image input are supported");
        }
        inputInfo = inputs.get(0);
        input = inputInfo.getName();
        if (input.isEmpty()) {
            throw corrupt("the graph's input has no name");
        }
        if (graph.getOutputCount() != 1) {
            throw unsupported("the graph has " + graph.getOutputCount() + " outputs ("
                    + String.join(", ", graph.getOutputList().stream().map(v -> "'" + v.getName() + "'").toList())
                    + "); only networks with one output are supported");
        }
        output = graph.getOutput(0).getName();
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                if (out.equals(input) || initializers.containsKey(out) || producers.putIfAbsent(out, i) != null) {
                    throw corrupt(describe(i) + " writes the tensor '" + out + "', which "
                            + (out.equals(input) ? "is the graph's input" : initializers.containsKey(out) ? "is an initializer"
                            : describe(producers.get(out)) + " also writes"));
                }
            }
        }
        for (int i = 0; i < graph.getNodeCount(); i++) {
            NodeProto n = graph.getNode(i);
            for (String in : n.getInputList()) {
                if (in.isEmpty()) {
                    continue; // an optional input left out
                }
                if (!in.equals(input) && !initializers.containsKey(in) && !producers.containsKey(in)) {
                    throw corrupt(describe(i) + " reads the tensor '" + in + "', which no node, initializer or input defines");
                }
                List<Integer> cs = consumers.computeIfAbsent(in, k -> new ArrayList<>());
                if (!cs.contains(i)) {
                    cs.add(i);
                }
            }
        }
        if (!output.equals(input) && !producers.containsKey(output)) {
            throw corrupt("the graph's output '" + output + "' is written by no node");
        }
        markData();
    }

    /** Sorts the nodes by their dependencies (refusing a cycle) and marks each tensor as data or constant. */
    private void markData() throws CorruptFileException {
        int n = graph.getNodeCount();
        int[] waiting = new int[n];
        ArrayDeque<Integer> ready = new ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            for (String in : graph.getNode(i).getInputList()) {
                if (!in.isEmpty() && producers.containsKey(in)) {
                    waiting[i]++;
                }
            }
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        data.put(input, true);
        int done = 0;
        while (!ready.isEmpty()) {
            int i = ready.poll();
            done++;
            NodeProto node = graph.getNode(i);
            boolean isData = false;
            if (!node.getOpType().equals("Shape") && !node.getOpType().equals("Size")) {
                for (String in : node.getInputList()) {
                    isData |= !in.isEmpty() && data.getOrDefault(in, false);
                }
            }
            for (String out : node.getOutputList()) {
                if (out.isEmpty()) {
                    continue;
                }
                data.put(out, isData);
                for (int c : consumers.getOrDefault(out, List.of())) {
                    NodeProto cn = graph.getNode(c);
                    for (String in : cn.getInputList()) {
                        if (in.equals(out) && --waiting[c] == 0) {
                            ready.add(c);
                        }
                    }
                }
            }
        }
        if (done != n) {
            for (int i = 0; i < n; i++) {
                if (waiting[i] > 0) {
                    throw corrupt("the graph has a cycle: " + describe(i) + " depends on its own output");
                }
            }
        }
    }

    /** True when the tensor's value depends on the graph's input. */
    boolean isData(String name) {
        return data.getOrDefault(name, false);
    }

    NodeProto node(int i) {
        return graph.getNode(i);
    }

    /** The node that writes {@code tensor}, or -1 for the input and initializers. */
    int producer(String tensor) {
        return producers.getOrDefault(tensor, -1);
    }

    /** The nodes that read {@code tensor} and compute data from it ({@code Shape} and {@code Size} read only its size). */
    List<Integer> dataConsumers(String tensor) {
        List<Integer> out = new ArrayList<>();
        for (int c : consumers.getOrDefault(tensor, List.of())) {
            String op = graph.getNode(c).getOpType();
            if (!op.equals("Shape") && !op.equals("Size")) {
                out.add(c);
            }
        }
        return out;
    }

    /** Every node that reads {@code tensor}. */
    List<Integer> consumers(String tensor) {
        return consumers.getOrDefault(tensor, List.of());
    }

    /** Records the ONNX dimensions of a converted data tensor, for Shape nodes that read it. */
    void setDataDims(String tensor, long[] dims) {
        dataDims.put(tensor, dims);
    }

    // ---- names and messages

    /** {@code node '/conv1/Conv' (Conv)}, or {@code node #3 (Conv)} for a node without a name. */
    String describe(int i) {
        NodeProto n = graph.getNode(i);
        String op = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx") ? n.getOpType() : n.getDomain() + "." + n.getOpType();
        return (n.getName().isEmpty() ? "node #" + i : "node '" + n.getName() + "'") + " (" + op + ")";
    }

    CorruptFileException corrupt(String what) {
        return new CorruptFileException(source + ": " + what);
    }

    UnsupportedOnnxModelException unsupported(String what) {
        return new UnsupportedOnnxModelException(source + ": " + what);
    }

    // ---- attributes

    AttributeProto attribute(int node, String name) {
        for (AttributeProto a : graph.getNode(node).getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    private CorruptFileException wrongType(int node, AttributeProto a, String expected) {
        return corrupt(describe(node) + ": attribute '" + a.getName() + "' is " + a.getType() + " (expected " + expected + ")");
    }

    long attrInt(int node, String name, long dflt) throws CorruptFileException {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return dflt;
        }
        if (a.getType() == AttributeProto.AttributeType.INT || a.getType() == AttributeProto.AttributeType.UNDEFINED && a.hasI()) {
            return a.getI();
        }
        throw wrongType(node, a, "INT");
    }

    float attrFloat(int node, String name, float dflt) throws CorruptFileException {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return dflt;
        }
        if (a.getType() == AttributeProto.AttributeType.FLOAT || a.getType() == AttributeProto.AttributeType.UNDEFINED && a.hasF()) {
            return a.getF();
        }
        throw wrongType(node, a, "FLOAT");
    }

    /** An INTS attribute, or null when absent. */
    long[] attrInts(int node, String name) throws CorruptFileException {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return null;
        }
        if (a.getType() == AttributeProto.AttributeType.INTS || a.getType() == AttributeProto.AttributeType.UNDEFINED && a.getIntsCount() > 0) {
            return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
        }
        throw wrongType(node, a, "INTS");
    }

    String attrString(int node, String name, String dflt) throws CorruptFileException {
        AttributeProto a = attribute(node, name);
        if (a == null) {
            return dflt;
        }
        if (a.getType() == AttributeProto.AttributeType.STRING || a.getType() == AttributeProto.AttributeType.UNDEFINED && a.hasS()) {
            return a.getS().toString(StandardCharsets.UTF_8);
        }
        throw wrongType(node, a, "STRING");
    }

    // ---- tensors

    /** Decodes a stored tensor of floats or integers, checking that its data holds as many values as its dims say. */
    Const decode(TensorProto t, String what) throws CorruptFileException, UnsupportedOnnxModelException {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
            String file = t.getExternalDataList().stream().filter(e -> e.getKey().equals("location")).map(e -> e.getValue())
                    .findFirst().orElse("?");
            throw unsupported(what + " keeps its values in an external file ('" + file + "'); only models that hold every"
                    + " tensor inside the .onnx file are supported (in Python: onnx.save_model(onnx.load(path),"
                    + " new_path, save_as_external_data=False), for models under 2 GB)");
        }
        if (t.hasSegment()) {
            throw unsupported(what + " is stored in segments; only whole tensors are supported");
        }
        long[] dims = new long[t.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw corrupt(what + " has dims " + t.getDimsList() + " (expected sizes >= 0)");
            }
            count = count * dims[i];
            if (count > MAX_VALUES) {
                throw corrupt(what + " has dims " + t.getDimsList() + ", more values than a Java array holds");
            }
        }
        int n = (int) count;
        int type = t.getDataType();
        byte[] raw = t.getRawData().isEmpty() ? null : t.getRawData().toByteArray();
        int width = switch (type) {
            case TensorProto.DataType.FLOAT_VALUE, TensorProto.DataType.INT32_VALUE -> 4;
            case TensorProto.DataType.INT64_VALUE -> 8;
            case TensorProto.DataType.BOOL_VALUE -> 1;
            default -> {
                TensorProto.DataType dt = TensorProto.DataType.forNumber(type);
                throw unsupported(what + " holds " + (dt == null ? "values of data type " + type : dt + " values")
                        + "; only FLOAT (float32) weights and INT64 or INT32 sizes are supported (export the model in float32)");
            }
        };
        // the sizes are checked against the data before anything is allocated: a damaged dims field cannot ask for gigabytes
        if (raw != null) {
            checkBytes(what, t, raw.length, (long) width * n);
        } else {
            int have = switch (type) {
                case TensorProto.DataType.FLOAT_VALUE -> t.getFloatDataCount();
                case TensorProto.DataType.INT64_VALUE -> t.getInt64DataCount();
                default -> t.getInt32DataCount();
            };
            String field = switch (type) {
                case TensorProto.DataType.FLOAT_VALUE -> "float_data";
                case TensorProto.DataType.INT64_VALUE -> "int64_data";
                default -> "int32_data";
            };
            checkCount(what, t, have, n, field);
        }
        ByteBuffer b = raw == null ? null : ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (type == TensorProto.DataType.FLOAT_VALUE) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = b != null ? b.getFloat() : t.getFloatData(i);
            }
            return new Const(dims, v, null);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (type) {
                case TensorProto.DataType.INT64_VALUE -> b != null ? b.getLong() : t.getInt64Data(i);
                case TensorProto.DataType.INT32_VALUE -> b != null ? b.getInt() : t.getInt32Data(i);
                default -> (b != null ? b.get() : t.getInt32Data(i)) != 0 ? 1 : 0;
            };
        }
        return new Const(dims, null, v);
    }

    private void checkBytes(String what, TensorProto t, long have, long want) throws CorruptFileException {
        if (have != want) {
            throw corrupt(what + " has dims " + t.getDimsList() + " (" + want + " bytes of " + TensorProto.DataType.forNumber(t.getDataType())
                    + ") but holds " + have + " bytes of raw data");
        }
    }

    private void checkCount(String what, TensorProto t, int have, int want, String field) throws CorruptFileException {
        if (have != want) {
            throw corrupt(what + " has dims " + t.getDimsList() + " (" + want + " values) but holds " + have + " in " + field);
        }
    }

    // ---- constants

    /** True when the tensor is a constant: an initializer or computed by nodes from constants. */
    boolean isConstant(String name) {
        return !name.isEmpty() && (initializers.containsKey(name) || producers.containsKey(name) && !isData(name));
    }

    /**
     * The value of a constant tensor read by {@code node} (for messages).
     *
     * @throws UnsupportedOnnxModelException when it depends on the input, or on an operator that is not folded
     */
    Const constant(String name, int node) throws CorruptFileException, UnsupportedOnnxModelException {
        return constant(name, node, 0);
    }

    private Const constant(String name, int reader, int depth) throws CorruptFileException, UnsupportedOnnxModelException {
        Const c = folded.get(name);
        if (c != null) {
            return c;
        }
        TensorProto init = initializers.get(name);
        if (init != null) {
            c = decode(init, "initializer '" + name + "'");
        } else if (name.equals(input) || isData(name)) {
            throw unsupported(describe(reader) + " reads '" + name + "', computed from the network's input, where only a"
                    + " constant (a weight or a size) is supported");
        } else {
            if (depth > MAX_FOLD_DEPTH) {
                throw unsupported(describe(reader) + " needs a constant computed by more than " + MAX_FOLD_DEPTH + " nodes");
            }
            c = fold(producers.get(name), name, depth + 1);
        }
        folded.put(name, c);
        return c;
    }

    /** Computes the output {@code name} of a node whose inputs are constants (or the sizes of data, for Shape). */
    private Const fold(int i, String name, int depth) throws CorruptFileException, UnsupportedOnnxModelException {
        NodeProto n = graph.getNode(i);
        String op = n.getOpType();
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            throw unsupported(describe(i) + " computes the constant '" + name + "' with an operator outside the standard"
                    + " ONNX domain (constant folding supports " + FOLDED + ")");
        }
        if (n.getOutputCount() < 1 || !n.getOutput(0).equals(name)) {
            throw unsupported(describe(i) + " computes the constant '" + name + "' as a second output; constant folding"
                    + " supports " + FOLDED);
        }
        switch (op) {
            case "Constant" -> {
                return constantNode(i);
            }
            case "Identity" -> {
                return constant(input(i, 0), i, depth);
            }
            case "Cast" -> {
                Const x = constant(input(i, 0), i, depth);
                long to = attrInt(i, "to", 0);
                if (to == TensorProto.DataType.INT64_VALUE || to == TensorProto.DataType.INT32_VALUE) {
                    if (x.ints() == null) {
                        throw unsupported(describe(i) + " casts floats to integers; constant folding casts only between integer types");
                    }
                    return x;
                }
                if (to == TensorProto.DataType.FLOAT_VALUE && x.floats() != null) {
                    return x;
                }
                throw unsupported(describe(i) + " casts a constant to data type " + to + "; constant folding casts only"
                        + " between INT64 and INT32, or FLOAT to FLOAT");
            }
            case "Shape" -> {
                String of = input(i, 0);
                long[] dims = dataDims.get(of);
                if (dims == null) {
                    if (isConstant(of)) {
                        dims = constant(of, i, depth).dims();
                    } else {
                        throw unsupported(describe(i) + " reads the size of '" + of + "', which the network computes after"
                                + " the node that needs it");
                    }
                }
                int r = dims.length;
                long start = clampAxis(attrInt(i, "start", 0), r);
                long end = clampAxis(attrInt(i, "end", r), r);
                long[] v = start < end ? Arrays.copyOfRange(dims, (int) start, (int) end) : new long[0];
                return new Const(new long[] {v.length}, null, v);
            }
            case "Gather" -> {
                Const x = ints(constant(input(i, 0), i, depth), i);
                Const idx = ints(constant(input(i, 1), i, depth), i);
                long axis = attrInt(i, "axis", 0);
                if (x.rank() != 1 || axis != 0 && axis != -1 || idx.rank() > 1) {
                    throw unsupported(describe(i) + " gathers along axis " + axis + " of a constant of dims "
                            + Arrays.toString(x.dims()) + " with indices of dims " + Arrays.toString(idx.dims())
                            + "; constant folding supports gathering from a list of sizes");
                }
                long[] v = new long[idx.size()];
                for (int k = 0; k < v.length; k++) {
                    long j = idx.ints()[k];
                    if (j < -x.size() || j >= x.size()) {
                        throw corrupt(describe(i) + " gathers index " + j + " from " + x.size() + " values");
                    }
                    v[k] = x.ints()[(int) (j < 0 ? j + x.size() : j)];
                }
                return new Const(idx.dims().clone(), null, v);
            }
            case "Unsqueeze", "Squeeze" -> {
                Const x = constant(input(i, 0), i, depth);
                long[] axes = attrInts(i, "axes");
                if (axes == null && n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
                    axes = ints(constant(n.getInput(1), i, depth), i).ints();
                }
                return new Const(op.equals("Unsqueeze") ? unsqueeze(x.dims(), axes, i) : squeeze(x.dims(), axes, i),
                        x.floats(), x.ints());
            }
            case "Concat" -> {
                long axis = attrInt(i, "axis", 0);
                List<long[]> parts = new ArrayList<>();
                int total = 0;
                for (String in : n.getInputList()) {
                    Const x = ints(constant(in, i, depth), i);
                    if (x.rank() != 1 || axis != 0 && axis != -1) {
                        throw unsupported(describe(i) + " concatenates constants of dims " + Arrays.toString(x.dims())
                                + " along axis " + axis + "; constant folding concatenates lists of sizes");
                    }
                    parts.add(x.ints());
                    total += x.size();
                }
                long[] v = new long[total];
                int o = 0;
                for (long[] p : parts) {
                    System.arraycopy(p, 0, v, o, p.length);
                    o += p.length;
                }
                return new Const(new long[] {total}, null, v);
            }
            default -> throw unsupported("unsupported operator " + op + " at " + describe(i).replaceFirst(" \\(.*\\)$", "")
                    + ", which computes the constant '" + name + "' (constant folding supports " + FOLDED + ")");
        }
    }

    private Const ints(Const c, int node) throws UnsupportedOnnxModelException {
        if (c.ints() == null) {
            throw unsupported(describe(node) + " needs integer sizes, but reads float values");
        }
        return c;
    }

    private static long clampAxis(long a, int rank) {
        long x = a < 0 ? a + rank : a;
        return Math.max(0, Math.min(rank, x));
    }

    private long[] unsqueeze(long[] dims, long[] axes, int node) throws CorruptFileException, UnsupportedOnnxModelException {
        if (axes == null) {
            throw corrupt(describe(node) + " has no axes (expected an attribute or a second input)");
        }
        int r = dims.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            long x = a < 0 ? a + r : a;
            if (x < 0 || x >= r || inserted[(int) x]) {
                throw corrupt(describe(node) + " has axes " + Arrays.toString(axes) + " for a result of rank " + r);
            }
            inserted[(int) x] = true;
        }
        long[] out = new long[r];
        int k = 0;
        for (int j = 0; j < r; j++) {
            out[j] = inserted[j] ? 1 : dims[k++];
        }
        return out;
    }

    private long[] squeeze(long[] dims, long[] axes, int node) throws CorruptFileException {
        List<Long> out = new ArrayList<>();
        boolean[] drop = new boolean[dims.length];
        if (axes == null) {
            for (int j = 0; j < dims.length; j++) {
                drop[j] = dims[j] == 1;
            }
        } else {
            for (long a : axes) {
                long x = a < 0 ? a + dims.length : a;
                if (x < 0 || x >= dims.length || dims[(int) x] != 1) {
                    throw corrupt(describe(node) + " squeezes axes " + Arrays.toString(axes) + " of dims " + Arrays.toString(dims));
                }
                drop[(int) x] = true;
            }
        }
        for (int j = 0; j < dims.length; j++) {
            if (!drop[j]) {
                out.add(dims[j]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** A Constant node's value: attribute value (a tensor), value_int(s) or value_float(s). */
    private Const constantNode(int i) throws CorruptFileException, UnsupportedOnnxModelException {
        NodeProto n = graph.getNode(i);
        if (n.getAttributeCount() != 1) {
            throw corrupt(describe(i) + " has " + n.getAttributeCount() + " attributes (expected one value)");
        }
        AttributeProto a = n.getAttribute(0);
        return switch (a.getName()) {
            case "value" -> decode(a.getT(), describe(i) + " value");
            case "value_int" -> new Const(new long[0], null, new long[] {a.getI()});
            case "value_ints" -> new Const(new long[] {a.getIntsCount()}, null, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
            case "value_float" -> new Const(new long[0], new float[] {a.getF()}, null);
            case "value_floats" -> {
                float[] v = new float[a.getFloatsCount()];
                for (int k = 0; k < v.length; k++) {
                    v[k] = a.getFloats(k);
                }
                yield new Const(new long[] {v.length}, v, null);
            }
            default -> throw unsupported(describe(i) + " gives its value as '" + a.getName()
                    + "'; constants are supported as value, value_int(s) or value_float(s)");
        };
    }

    /** Input {@code k} of node {@code i}. */
    String input(int i, int k) throws CorruptFileException {
        NodeProto n = graph.getNode(i);
        if (n.getInputCount() <= k || n.getInput(k).isEmpty()) {
            throw corrupt(describe(i) + " has no input " + (k + 1) + " (it has " + n.getInputCount() + ")");
        }
        return n.getInput(k);
    }

    /** Input {@code k} of node {@code i}, or null when it is absent or left empty. */
    String optionalInput(int i, int k) {
        NodeProto n = graph.getNode(i);
        return n.getInputCount() > k && !n.getInput(k).isEmpty() ? n.getInput(k) : null;
    }

    /** The model's metadata as key-value pairs, in order. */
    static Map<String, String> entries(List<org.visualbackprop.io.onnx.proto.OnnxProto.StringStringEntryProto> list) {
        Map<String, String> m = new LinkedHashMap<>();
        list.forEach(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }
}
