package org.visualbackprop.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.visualbackprop.explain.Target;
import org.visualbackprop.explain.VisualBackProp;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Models;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.ReLU;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.Tolerances;

/**
 * {@link OnnxImport} on files written by real tools (PyTorch's {@code torch.onnx.export}, onnx.helper): our forward pass
 * and input gradients against what PyTorch computed for the same inputs, the layers read, and the refusals.
 */
class OnnxImportTest {
    @TempDir
    Path dir;

    /** The fixture's network for the input size it records or the one given ("" for none). */
    private static Network load(String model, String shape) throws IOException {
        return OnnxImport.load(OnnxFixtures.path(model + ".onnx"), shape.isEmpty() ? null : Models.parseInputShape(shape)).network();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "svf_bn,           svf_bn,         ''",
            "sign_pool,        sign_pool,      ''",
            "sign_pool_opset9, sign_pool,      ''",
            "tanh_softmax,     tanh_softmax,   2x16x16",
            "helper_mlp,       helper_mlp,     ''",
            "helper_padding,   helper_padding, ''"})
    void forwardPassAndInputGradientMatchPyTorch(String model, String expected, String shape) throws IOException {
        Network net = load(model, shape);
        Tensor x = OnnxFixtures.batch(expected + ".input.npy");
        Tensor want = OnnxFixtures.batch(expected + ".output.npy");
        Trace t = net.trace(x, Mode.EVAL);
        float[] got = t.result().data().clone();
        if (model.equals("tanh_softmax")) {
            // the file ends in Softmax, read as LogSoftmax: its probabilities are the exponentials of our output
            for (int i = 0; i < got.length; i++) {
                got[i] = (float) Math.exp(got[i]);
            }
        }
        NumericAssert.assertCloseToLargest(want.data(), got, Tolerances.CROSS_FRAMEWORK, model + " output");

        // d(score)/d(input): the only output of a regression net, the predicted class's logit of a classifier
        int top = Target.scoreLayer(net);
        int[] targets = Target.predicted().resolve(t);
        Tensor seed = Tensor.zeros(t.output(top).shape());
        int k = seed.shape().sampleSize();
        for (int i = 0; i < targets.length; i++) {
            seed.data()[i * k + targets[i]] = 1f;
        }
        Tensor grad = net.backwardFrom(t, top, seed, false, true);
        NumericAssert.assertCloseToLargest(OnnxFixtures.batch(expected + ".grad.npy").data(), grad.data(),
                Tolerances.CROSS_FRAMEWORK, model + " input gradient");
    }

    private static List<String> kinds(Network net) {
        List<String> k = new ArrayList<>();
        net.layers().forEach(l -> k.add(l.kind()));
        return k;
    }

    @Test
    void readsThePaperStyleNetLayerByLayer() throws IOException {
        Network net = load("svf_bn", "");
        assertEquals(new Shape(1, 1, 30, 64), net.inputShape());
        List<String> want = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            want.addAll(List.of("BatchNorm2d", "Conv2d", "ReLU"));
        }
        want.addAll(List.of("Flatten", "Dense", "ReLU", "Dense"));
        assertEquals(want, kinds(net));
        assertEquals(Window.of(3, 2), net.layer(4).window());
        assertEquals(0.1f, ((BatchNorm2d) net.layer(0)).momentum(), "ONNX momentum 0.9 is PyTorch's 0.1");
    }

    @Test
    void readsPaddingPoolingAndTheFlattenThatExportersComputeFromShape() throws IOException {
        Network net = load("sign_pool", "");
        assertEquals(List.of("Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Dense", "ReLU", "Dense",
                "LogSoftmax"), kinds(net));
        assertEquals(Window.of(3, 1, 1), net.layer(0).window());
        assertEquals(Window.of(3, 2, 1), ((MaxPool2d) net.layer(5)).window());
        assertEquals(null, ((Conv2d) net.layer(3)).bias(), "conv2 has no bias");
        Network opset9 = load("sign_pool_opset9", "");
        assertEquals(kinds(net), kinds(opset9));
    }

    @Test
    void readsGemmScalesTransposesAndMatMulWithItsAdd() throws IOException {
        Network net = load("helper_mlp", "");
        assertEquals(Shape.vector(1, 12), net.inputShape());
        assertEquals(List.of("Dense", "ReLU", "Dense", "BatchNorm2d", "Tanh", "Dense"), kinds(net), "the Reshape to [0, -1] keeps the shape");
        assertEquals(10, ((Dense) net.layer(2)).outFeatures());
        assertTrue(((Dense) net.layer(2)).bias() != null, "the Add after MatMul is its bias");
        OnnxModel m = OnnxImport.load(OnnxFixtures.path("helper_mlp.onnx"));
        assertTrue(m.notes().stream().anyMatch(n -> n.contains("gemm1") && n.contains("alpha 0.5")), m.notes().toString());
        assertEquals(9, m.opset());
    }

    /**
     * The VisualBackProp mask of the imported network equals, bit for bit, the mask of the same network built by hand
     * from PyTorch's state_dict (saved beside the fixture), written to a .vbpm file and read back.
     */
    @Test
    void vbpMaskEqualsTheOneOfOurOwnVbpmConversionOfTheSameWeights() throws IOException {
        Network imported = load("svf_bn", "");
        String w = "svf_bn.weights/";
        List<Layer> layers = new ArrayList<>();
        int[] convs = {1, 4, 7, 10};
        for (int b = 0; b < 4; b++) {
            String bn = w + "features." + (convs[b] - 1) + ".";
            layers.add(BatchNorm2d.withStatistics(BatchNorm2d.DEFAULT_EPS, BatchNorm2d.DEFAULT_MOMENTUM,
                    OnnxFixtures.weight(bn + "weight.npy"), OnnxFixtures.weight(bn + "bias.npy"),
                    OnnxFixtures.weight(bn + "running_mean.npy"), OnnxFixtures.weight(bn + "running_var.npy")));
            String conv = w + "features." + convs[b] + ".";
            layers.add(Conv2d.withWeights(Window.of(3, 1 + b % 2), OnnxFixtures.weight(conv + "weight.npy"),
                    OnnxFixtures.weight(conv + "bias.npy")));
            layers.add(ReLU.of());
        }
        layers.add(Flatten.of());
        layers.add(Dense.withWeights(OnnxFixtures.weight(w + "fc1.weight.npy"), OnnxFixtures.weight(w + "fc1.bias.npy")));
        layers.add(ReLU.of());
        layers.add(Dense.withWeights(OnnxFixtures.weight(w + "fc2.weight.npy"), OnnxFixtures.weight(w + "fc2.bias.npy")));
        Path f = dir.resolve("svf_bn.vbpm");
        ModelFile.save(Network.of(new Shape(1, 1, 30, 64), layers), Provenance.of("from", "svf_bn.weights"), f);
        Network ours = ModelFile.load(f).network();

        Tensor x = OnnxFixtures.batch("svf_bn.input.npy");
        Trace a = imported.trace(x, Mode.EVAL);
        Trace b = ours.trace(x, Mode.EVAL);
        NumericAssert.assertBitIdentical(b.result().data(), a.result().data(), "predictions");
        Tensor maskA = VisualBackProp.explain(a).mask();
        Tensor maskB = VisualBackProp.explain(b).mask();
        NumericAssert.assertBitIdentical(maskB.data(), maskA.data(), "VisualBackProp mask");
        assertFalse(VisualBackProp.explain(a).isFlat(0), "the mask is not all zeros");
    }

    @Test
    void symbolicInputSizesAreTakenFromTheUserAndCheckedAgainstTheGraph() throws IOException {
        ShapeException none = assertThrows(ShapeException.class, () -> load("tanh_softmax", ""));
        assertTrue(none.getMessage().contains("tanh_softmax.onnx") && none.getMessage().contains("[batch, 2, height, width]")
                && none.getMessage().contains("--input-shape"), none.getMessage());
        assertEquals(new Shape(1, 2, 16, 16), load("tanh_softmax", "2x16x16").inputShape());
        ShapeException wrongSize = assertThrows(ShapeException.class, () -> load("tanh_softmax", "2x20x20"));
        assertTrue(wrongSize.getMessage().contains("/Reshape") && wrongSize.getMessage().contains("216")
                && wrongSize.getMessage().contains("does not fit"), wrongSize.getMessage());
        ShapeException channels = assertThrows(ShapeException.class, () -> load("tanh_softmax", "3x16x16"));
        assertTrue(channels.getMessage().contains("2 x height x width") && channels.getMessage().contains("3 x 16 x 16"),
                channels.getMessage());
        ShapeException fixed = assertThrows(ShapeException.class, () -> load("svf_bn", "1x32x64"));
        assertTrue(fixed.getMessage().contains("1 x 30 x 64") && fixed.getMessage().contains("1 x 32 x 64"), fixed.getMessage());
        assertEquals(new Shape(1, 1, 30, 64), load("svf_bn", "1x30x64").inputShape());
    }

    @Test
    void softmaxAtTheEndIsReadAsLogSoftmaxAndSaidSo() throws IOException {
        Models.Loaded m = Models.open(OnnxFixtures.path("tanh_softmax.onnx"), new Shape(1, 2, 16, 16));
        assertEquals("onnx", m.format());
        assertEquals("LogSoftmax", m.network().layer(m.network().size() - 1).kind());
        assertTrue(m.description().contains("read as LogSoftmax") && m.description().contains("opset 11")
                && m.description().contains("pytorch"), m.description());
        assertEquals("11", m.provenance().get("onnx_opset"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "resnet_block | node '/Relu' (Relu) branches | '/Relu_output_0' is read by node '/conv2/Conv' (Conv) and node '/Add' (Add)",
            "sigmoid      | unsupported operator Sigmoid at node '/Sigmoid' | supported: Conv, BatchNormalization",
            "avgpool      | unsupported operator GlobalAveragePool at node '/GlobalAveragePool' | supported: Conv"})
    void refusesBranchesAndUnsupportedOperatorsExportedByPyTorchNamingTheNode(String model, String first, String second) {
        UnsupportedOnnxModelException e = assertThrows(UnsupportedOnnxModelException.class, () -> load(model, ""));
        assertTrue(e.getMessage().contains(model + ".onnx") && e.getMessage().contains(first) && e.getMessage().contains(second),
                e.getMessage());
    }
}
