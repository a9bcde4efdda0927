package org.visualbackprop.io.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.visualbackprop.io.onnx.proto.OnnxProto.AttributeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.GraphProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.ModelProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.NodeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorShapeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TypeProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.ValueInfoProto;

/** Small ONNX graphs built in tests with the generated protobuf classes, as onnx.helper builds them in Python. */
final class OnnxGraphs {
    private final ModelProto.Builder model = ModelProto.newBuilder().setIrVersion(7).setProducerName("test");
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");

    private OnnxGraphs(int opset) {
        model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
    }

    /** A graph of the given opset with a float32 input {@code x} of the given dims (0: symbolic). */
    static OnnxGraphs of(int opset, long... inputDims) {
        OnnxGraphs g = new OnnxGraphs(opset);
        g.graph.addInput(info("x", TensorProto.DataType.FLOAT_VALUE, inputDims));
        return g;
    }

    /** A graph of the given opset with the given input. */
    static OnnxGraphs withInput(int opset, ValueInfoProto input) {
        OnnxGraphs g = new OnnxGraphs(opset);
        g.graph.addInput(input);
        return g;
    }

    static ValueInfoProto info(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d == 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("n") : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    OnnxGraphs input(ValueInfoProto v) {
        graph.addInput(v);
        return this;
    }

    /** A float32 initializer filled with 0.1, 0.2, ... (cycling over ten values). */
    OnnxGraphs init(String name, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.1f * (1 + i % 10);
        }
        return init(name, dims, v);
    }

    OnnxGraphs init(String name, long[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return init(tensor(name, TensorProto.DataType.FLOAT_VALUE, dims).setRawData(ByteString.copyFrom(b.array())).build());
    }

    OnnxGraphs initInts(String name, long... values) {
        TensorProto.Builder t = tensor(name, TensorProto.DataType.INT64_VALUE, new long[] {values.length});
        for (long v : values) {
            t.addInt64Data(v);
        }
        return init(t.build());
    }

    OnnxGraphs init(TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    static TensorProto.Builder tensor(String name, int type, long[] dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type);
        for (long d : dims) {
            t.addDims(d);
        }
        return t;
    }

    /** A node reading {@code inputs} and writing {@code output} (its name: the op and the output). */
    OnnxGraphs node(String op, String inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase(java.util.Locale.ROOT) + "_" + output.split(",")[0].trim());
        for (String in : inputs.split(",", -1)) {
            n.addInput(in.trim());
        }
        for (String out : output.split(",")) {
            n.addOutput(out.trim());
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    OnnxGraphs node(NodeProto n) {
        graph.addNode(n);
        return this;
    }

    OnnxGraphs output(String name) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name));
        return this;
    }

    ModelProto build() {
        return model.setGraph(graph).build();
    }

    byte[] bytes() {
        return build().toByteArray();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttributeProto t(String name, TensorProto v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(v).build();
    }
}
