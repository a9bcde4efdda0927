package org.visualbackprop.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visualbackprop.io.onnx.OnnxGraphs.f;
import static org.visualbackprop.io.onnx.OnnxGraphs.i;
import static org.visualbackprop.io.onnx.OnnxGraphs.ints;
import static org.visualbackprop.io.onnx.OnnxGraphs.s;
import static org.visualbackprop.io.onnx.OnnxGraphs.t;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.onnx.proto.OnnxProto.StringStringEntryProto;
import org.visualbackprop.io.onnx.proto.OnnxProto.TensorProto;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.NumericAssert;

/**
 * Every graph {@link OnnxImport} cannot represent is refused with an {@link UnsupportedOnnxModelException} naming the
 * node, its operator and what is supported; damaged graphs with a {@link CorruptFileException}; and the settings it
 * does accept across opsets (auto_pad, padding no window reaches, BatchNormalization in training mode) are read right.
 */
class OnnxRefusalsTest {
    private static final String FILE = "g.onnx";

    /** x [n, 2, 8, 8] -> Conv 4x2x3x3 -> y. */
    private static OnnxGraphs conv(int opset, org.visualbackprop.io.onnx.proto.OnnxProto.AttributeProto... attributes) {
        return OnnxGraphs.of(opset, 0, 2, 8, 8).init("w", 4, 2, 3, 3).node("Conv", "x,w", "y", attributes);
    }

    private static Network read(OnnxGraphs g) throws IOException {
        return OnnxImport.read(g.bytes(), FILE, null).network();
    }

    private static void unsupported(OnnxGraphs g, String... fragments) {
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> read(g));
        for (String f : fragments) {
            assertTrue(e.getMessage().startsWith(FILE + ": ") && e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }

    private static void corrupt(byte[] bytes, String... fragments) {
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> OnnxImport.read(bytes, FILE, null));
        for (String f : fragments) {
            assertTrue(e.getMessage().startsWith(FILE + ": ") && e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void refusesNonFiniteWeightsNamingTheLayerAndTensor() {
        float[] w = new float[4 * 2 * 3 * 3];
        java.util.Arrays.fill(w, 0.5f);
        w[17] = Float.NaN;
        byte[] bytes = OnnxGraphs.of(13, 0, 2, 8, 8).init("w", new long[] {4, 2, 3, 3}, w).node("Conv", "x,w", "y").output("y").bytes();
        corrupt(bytes, "node 'conv_y' (Conv)", "holds NaN at index 17");
    }

    @Test
    void refusesConvolutionSettingsItHasNoLayerFor() {
        unsupported(OnnxGraphs.of(13, 0, 2, 8, 8).init("w", 4, 1, 3, 3).node("Conv", "x,w", "y", i("group", 2)).output("y"),
                "node 'conv_y' (Conv)", "group 2");
        unsupported(conv(13, ints("dilations", 2, 2)).output("y"), "node 'conv_y' (Conv)", "dilations [2, 2]");
        unsupported(OnnxGraphs.of(13, 0, 2, 8).init("w", 4, 2, 3).node("Conv", "x,w", "y").output("y"), "3 dimensions");
        unsupported(conv(13, ints("pads", 0, 0, 1, 1)).output("y"), "node 'conv_y' (Conv)", "padding 0 before and 1 after",
                "output height of 7", "gives 6");
        unsupported(conv(13, s("auto_pad", "SAME_UPPER"), ints("strides", 2, 2)).output("y"), "padding 0 before and 1 after");
    }

    @Test
    void acceptsPaddingThatNoWindowReachesAndSameLower() throws IOException {
        // 3x3 stride 2 on 8: SAME_LOWER pads 1 before and 0 after; ceil(8 / 2) = 4 outputs, as padding 1 on both sides
        Network lower = read(conv(13, s("auto_pad", "SAME_LOWER"), ints("strides", 2, 2)).output("y"));
        assertEquals(new Window(3, 3, 2, 2, 1, 1), lower.layer(0).window());
        // pads [1, 1, 0, 0] on 8 with stride 2: the padding after would add no output
        Network explicit = read(conv(13, ints("pads", 1, 1, 0, 0), ints("strides", 2, 2)).output("y"));
        assertEquals(lower.layer(0).window(), explicit.layer(0).window());
        Network valid = read(conv(13, s("auto_pad", "VALID")).output("y"));
        assertEquals(Window.of(3, 1, 0), valid.layer(0).window());
    }

    @Test
    void refusesCeilModeWhereItChangesTheSize() throws IOException {
        OnnxGraphs g = OnnxGraphs.of(13, 0, 2, 7, 7)
                .node("MaxPool", "x", "y", ints("kernel_shape", 2, 2), ints("strides", 2, 2), i("ceil_mode", 1)).output("y");
        unsupported(g, "node 'maxpool_y' (MaxPool)", "ceil_mode 1", "output height of 4", "gives 3");
        Network same = read(OnnxGraphs.of(13, 0, 2, 8, 8)
                .node("MaxPool", "x", "y", ints("kernel_shape", 2, 2), ints("strides", 2, 2), i("ceil_mode", 1)).output("y"));
        assertEquals(Window.of(2, 2), same.layer(0).window());
    }

    @Test
    void refusesGemmAndMatMulOutsideTheFeatureVectorCase() {
        OnnxGraphs transA = OnnxGraphs.of(13, 0, 6).init("w", 6, 3).node("Gemm", "x,w", "y", i("transA", 1)).output("y");
        unsupported(transA, "node 'gemm_y' (Gemm)", "transA 1");
        OnnxGraphs matMulMap = conv(13).init("m", 6, 5).node("MatMul", "y,m", "z").output("z");
        unsupported(matMulMap, "node 'matmul_z' (MatMul)", "feature vectors");
        OnnxGraphs addAlone = conv(13).init("b", 4, 1, 1).node("Add", "y,b", "z").output("z");
        unsupported(addAlone, "node 'add_z' (Add)", "only as the bias that follows a MatMul");
    }

    @Test
    void refusesBranchesAndSecondOutputsThatAreUsed() {
        OnnxGraphs residual = conv(13, ints("pads", 1, 1, 1, 1)).init("w2", 4, 4, 3, 3)
                .node("Relu", "y", "r").node("Conv", "r,w2", "c2", ints("pads", 1, 1, 1, 1)).node("Add", "r,c2", "z").output("z");
        unsupported(residual, "node 'relu_r' (Relu) branches", "'r' is read by node 'conv_c2' (Conv) and node 'add_z' (Add)",
                "not residual connections");
        OnnxGraphs inputTwice = conv(13).node("Relu", "x", "r").output("y");
        unsupported(inputTwice, "the graph's input 'x' branches");
        OnnxGraphs outputAlsoRead = conv(13).node("Relu", "y", "z").output("y");
        unsupported(outputAlsoRead, "node 'conv_y' (Conv) branches", "the graph's output");
        OnnxGraphs indices = OnnxGraphs.of(13, 0, 2, 8, 8)
                .node("MaxPool", "x", "y,idx", ints("kernel_shape", 2, 2)).node("Relu", "idx", "z").output("y");
        unsupported(indices, "node 'maxpool_y' (MaxPool)", "second output 'idx'");
        OnnxGraphs twoInputs = conv(13).input(OnnxGraphs.info("x2", TensorProto.DataType.FLOAT_VALUE, 0, 2, 8, 8)).output("y");
        unsupported(twoInputs, "2 inputs", "'x', 'x2'");
        unsupported(conv(13).node("Relu", "y", "z").output("y").output("z"), "2 outputs");
    }

    @Test
    void refusesOperatorsAndDomainsItDoesNotKnow() {
        unsupported(conv(13).node("Sigmoid", "y", "z").output("z"), "unsupported operator Sigmoid at node 'sigmoid_z'",
                "supported: Conv, BatchNormalization, Relu, MaxPool");
        OnnxGraphs custom = conv(13).node(org.visualbackprop.io.onnx.proto.OnnxProto.NodeProto.newBuilder().setOpType("FusedConv")
                .setDomain("com.microsoft").setName("fused").addInput("y").addOutput("z").build()).output("z");
        unsupported(custom, "com.microsoft.FusedConv", "node 'fused'", "not the standard ONNX one");
        OnnxGraphs softmaxInside = OnnxGraphs.of(13, 0, 6).init("w", 3, 6).node("Gemm", "x,w", "g", i("transB", 1))
                .node("Softmax", "g", "p").node("Relu", "p", "z").output("z");
        unsupported(softmaxInside, "node 'softmax_p' (Softmax)", "only as the network's last node");
        unsupported(conv(13).node("LogSoftmax", "y", "z", i("axis", 1)).output("z"), "LogSoftmax over axis 1 of feature maps");
        OnnxGraphs reshape = conv(13).initInts("s", 0, 2, -1).node("Reshape", "y,s", "z").output("z");
        unsupported(reshape, "node 'reshape_z' (Reshape)", "to [0, 2, -1]", "one vector of each sample");
        OnnxGraphs flatten2 = conv(13).node("Flatten", "y", "z", i("axis", 2)).output("z");
        unsupported(flatten2, "node 'flatten_z' (Flatten)", "axis 2");
        OnnxGraphs slice = conv(13).initInts("s0", 1, 144).initInts("a", 0).initInts("b", 2)
                .node("Slice", "s0,a,b", "s").node("Reshape", "y,s", "z").output("z");
        unsupported(slice, "unsupported operator Slice at node 'slice_s'", "constant folding supports Constant, Identity, Shape");
        OnnxGraphs dropout = conv(13).init(OnnxGraphs.tensor("on", TensorProto.DataType.BOOL_VALUE, new long[0])
                        .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[] {1})).build())
                .node("Dropout", "y,,on", "z").output("z");
        unsupported(dropout, "node 'dropout_z' (Dropout)", "training_mode is true");
    }

    @Test
    void refusesBatchNormWithStatisticsPerPositionAndReadsTrainingModeAcrossOpsets() throws IOException {
        OnnxGraphs spatial = OnnxGraphs.of(7, 0, 2, 8, 8).init("g", 2).init("b", 2).init("m", 2).init("v", 2)
                .node("BatchNormalization", "x,g,b,m,v", "y", i("spatial", 0)).output("y");
        unsupported(spatial, "node 'batchnormalization_y' (BatchNormalization)", "spatial 0");
        OnnxGraphs training15 = OnnxGraphs.of(15, 0, 2, 8, 8).init("g", 2).init("b", 2).init("m", 2).init("v", 2)
                .node("BatchNormalization", "x,g,b,m,v", "y,rm,rv", i("training_mode", 1), f("momentum", 0.8f)).output("y");
        OnnxModel m = OnnxImport.read(training15.bytes(), FILE, null);
        assertTrue(m.trainingModeBatchNorm(), "training_mode 1");
        assertEquals(0.2f, ((org.visualbackprop.nn.BatchNorm2d) m.network().layer(0)).momentum());
        OnnxGraphs isTest6 = OnnxGraphs.of(6, 0, 2, 8, 8).init("g", 2).init("b", 2).init("m", 2).init("v", 2)
                .node("BatchNormalization", "x,g,b,m,v", "y", i("is_test", 1)).output("y");
        assertTrue(!OnnxImport.read(isTest6.bytes(), FILE, null).trainingModeBatchNorm(), "is_test 1");
        OnnxGraphs training6 = OnnxGraphs.of(6, 0, 2, 8, 8).init("g", 2).init("b", 2).init("m", 2).init("v", 2)
                .node("BatchNormalization", "x,g,b,m,v", "y").output("y");
        assertTrue(OnnxImport.read(training6.bytes(), FILE, null).trainingModeBatchNorm(), "opset 6 without is_test is training");
    }

    @Test
    void refusesWeightsOutsideTheFileOrOfAnotherType() {
        OnnxGraphs external = OnnxGraphs.of(13, 0, 2, 8, 8).init(OnnxGraphs.tensor("w", TensorProto.DataType.FLOAT_VALUE,
                        new long[] {4, 2, 3, 3}).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("weights.bin")).build())
                .node("Conv", "x,w", "y").output("y");
        unsupported(external, "initializer 'w'", "external file ('weights.bin')", "save_as_external_data=False");
        TensorProto.Builder d = OnnxGraphs.tensor("w", TensorProto.DataType.DOUBLE_VALUE, new long[] {4, 2, 3, 3});
        for (int k = 0; k < 72; k++) {
            d.addDoubleData(0.1);
        }
        unsupported(OnnxGraphs.of(13, 0, 2, 8, 8).init(d.build()).node("Conv", "x,w", "y").output("y"), "initializer 'w'",
                "DOUBLE values", "only FLOAT (float32) weights");
        OnnxGraphs bytes = OnnxGraphs.of(13, 0, 2, 8, 8).input(OnnxGraphs.info("unused", TensorProto.DataType.FLOAT_VALUE, 1)).output("x");
        unsupported(bytes, "2 inputs");
        OnnxGraphs uint8 = OnnxGraphs.withInput(13, OnnxGraphs.info("x", TensorProto.DataType.UINT8_VALUE, 0, 3, 8, 8))
                .node("Relu", "x", "y").output("y");
        unsupported(uint8, "the graph's input 'x' holds UINT8 values", "only float32");
        unsupported(OnnxGraphs.withInput(13, OnnxGraphs.info("x", TensorProto.DataType.FLOAT_VALUE, 0, 8, 8))
                .node("Relu", "x", "y").output("y"), "3 dimensions");
    }

    @Test
    void reportsDamagedGraphsAsCorruptNamingWhatIsWrong() {
        corrupt("hello, not a model".getBytes(StandardCharsets.UTF_8), "not an ONNX model");
        corrupt(new byte[0], "not an ONNX model (no ir_version)");
        corrupt(conv(13).node("Relu", "nowhere", "z").output("z").bytes(), "node 'relu_z' (Relu) reads the tensor 'nowhere'",
                "which no node, initializer or input defines");
        corrupt(OnnxGraphs.of(13, 0, 2, 8, 8).node("Relu", "x,b", "a").node("Relu", "a", "b").output("b").bytes(), "cycle");
        TensorProto shortRaw = OnnxGraphs.tensor("w", TensorProto.DataType.FLOAT_VALUE, new long[] {4, 2, 3, 3})
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[10])).build();
        corrupt(OnnxGraphs.of(13, 0, 2, 8, 8).init(shortRaw).node("Conv", "x,w", "y").output("y").bytes(), "initializer 'w'",
                "288 bytes of FLOAT", "holds 10 bytes");
        float[] nan = new float[72];
        nan[5] = Float.NaN;
        corrupt(OnnxGraphs.of(13, 0, 2, 8, 8).init("w", new long[] {4, 2, 3, 3}, nan).node("Conv", "x,w", "y").output("y").bytes(),
                "node 'conv_y' (Conv)", "NaN at index 5");
        corrupt(conv(13, ints("kernel_shape", 5, 5)).output("y").bytes(), "kernel_shape [5, 5]");
        corrupt(conv(13, ints("pads", 1, 1)).output("y").bytes(), "pads [1, 1]");
        corrupt(conv(13).output("y").node("Relu", "y", "y").bytes(), "writes the tensor 'y'");
        corrupt(OnnxGraphs.of(13, 0, 3, 5, 5).init("w", 4, 2, 3, 3).node("Conv", "x,w", "y").output("y").bytes(),
                "do not fit the input size the file records", "Conv2d expects 2 input channels, got 3");
    }

    @Test
    void foldsConstantsGivenAsConstantNodesAndCastsAndReadsOldStyleAttributes() throws IOException {
        TensorProto target = OnnxGraphs.tensor("t", TensorProto.DataType.INT32_VALUE, new long[] {2}).addInt32Data(-1).addInt32Data(144).build();
        OnnxGraphs g = conv(13).node("Constant", "", "c", t("value", target)).node("Cast", "c", "c64", i("to", 7))
                .node("Reshape", "y,c64", "z").output("z");
        Network net = read(g);
        assertEquals(java.util.List.of("Conv2d", "Flatten"), net.layers().stream().map(l -> l.kind()).toList());
        // opset 9: Unsqueeze with an axes attribute, Squeeze, Gather of a negative index, from the Shape of the data
        OnnxGraphs old = conv(9).node("Shape", "y", "sh")
                .init(OnnxGraphs.tensor("k", TensorProto.DataType.INT64_VALUE, new long[0]).addInt64Data(-4).build()).node("Gather", "sh,k", "n")
                .node("Unsqueeze", "n", "n1", ints("axes", 0)).node("Unsqueeze", "n1", "n2", ints("axes", 0))
                .node("Squeeze", "n2", "n3", ints("axes", 0)).initInts("rest", -1).node("Concat", "n3,rest", "s", i("axis", 0))
                .node("Reshape", "y,s", "z").output("z");
        assertEquals(java.util.List.of("Conv2d", "Flatten"), read(old).layers().stream().map(l -> l.kind()).toList());
    }

    @Test
    void dropoutIsReadWithItsRatioFromAnAttributeOrAnInput() throws IOException {
        Network opset10 = read(conv(10).node("Dropout", "y", "z", f("ratio", 0.3f)).output("z"));
        assertEquals(0.3f, ((org.visualbackprop.nn.Dropout) opset10.layer(1)).probability());
        Network opset13 = read(conv(13).init("r", new long[0], new float[] {0.2f}).node("Dropout", "y,r", "z,mask").output("z"));
        assertEquals(0.2f, ((org.visualbackprop.nn.Dropout) opset13.layer(1)).probability());
        Network identity = read(conv(13).node("Identity", "y", "z").output("z"));
        assertEquals(1, identity.size());
        float[] w = ((org.visualbackprop.nn.Conv2d) identity.layer(0)).weight().value().data();
        NumericAssert.assertBitIdentical(new float[] {0.1f, 0.2f, 0.3f}, java.util.Arrays.copyOf(w, 3), "weights as stored");
    }
}
