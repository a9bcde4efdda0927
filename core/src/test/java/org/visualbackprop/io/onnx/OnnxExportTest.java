package org.visualbackprop.io.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Models;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Flatten;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Parameter;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.TestData;

/** {@link OnnxExport}: Java -> ONNX -> Java gives the same layers, settings, bit-identical tensors and predictions. */
class OnnxExportTest {
    @TempDir
    Path dir;

    /**
     * Asserts {@code back} is {@code net}; {@code extraFlattenAt} is where the writer put a Flatten before a Dense that
     * follows a {@code c x 1 x 1} map (-1: nowhere).
     */
    private static void assertSameNetwork(Network net, Network back, int extraFlattenAt) {
        assertEquals(net.inputShape(), back.inputShape());
        List<Layer> got = new ArrayList<>(back.layers());
        if (extraFlattenAt >= 0) {
            assertTrue(got.get(extraFlattenAt) instanceof Flatten, "a Flatten before the Dense that follows a map: " + back);
            got.remove(extraFlattenAt);
        }
        assertEquals(net.size(), got.size(), "layers: " + back);
        for (int i = 0; i < net.size(); i++) {
            Layer a = net.layer(i);
            Layer b = got.get(i);
            String what = net.name(i) + " (" + a.kind() + ")";
            assertEquals(a.kind(), b.kind(), what);
            assertEquals(a.settings(), b.settings(), what + " settings");
            assertEquals(a.parameters().size(), b.parameters().size(), what + " parameters");
            for (int p = 0; p < a.parameters().size(); p++) {
                Parameter pa = a.parameters().get(p);
                Parameter pb = b.parameters().get(p);
                assertEquals(pa.name(), pb.name(), what);
                assertEquals(pa.value().shape(), pb.value().shape(), what + " " + pa.name());
                NumericAssert.assertBitIdentical(pa.value().data(), pb.value().data(), what + " " + pa.name());
            }
            assertEquals(a.buffers().size(), b.buffers().size(), what + " buffers");
            for (int q = 0; q < a.buffers().size(); q++) {
                NumericAssert.assertBitIdentical(a.buffers().get(q).tensor().data(), b.buffers().get(q).tensor().data(),
                        what + " " + a.buffers().get(q).name());
            }
        }
    }

    private Network roundTrip(Network net, Provenance p) throws IOException {
        Path f = dir.resolve("net.onnx");
        OnnxExport.save(net, p, f);
        OnnxModel m = OnnxImport.load(f);
        assertEquals(p, m.provenance(), "provenance");
        assertEquals(OnnxExport.OPSET, m.opset());
        assertTrue(m.notes().isEmpty(), m.notes().toString());
        return m.network();
    }

    private static void assertSamePredictions(Network net, Network back, long seed) {
        int batch = net.inputShape().sampleSize() > 10_000 ? 1 : 3; // NetSVF: one frame is enough
        Tensor x = TestData.uniform(net.inputShape().withBatch(batch), new SplittableRandom(seed));
        NumericAssert.assertBitIdentical(net.forward(x, Mode.EVAL).data(), back.forward(x, Mode.EVAL).data(), "predictions");
    }

    @Test
    void thePapersNetsComeBackBitForBit() throws IOException {
        for (Network net : List.of(OnnxTestNets.smallClassifier(5), OnnxTestNets.randomized(PaperNets.netSvf(6), 7))) {
            Provenance p = Provenance.of("architecture", "test", "seed", 5);
            Network back = roundTrip(net, p);
            assertSameNetwork(net, back, -1);
            assertSamePredictions(net, back, 8);
        }
    }

    @Test
    void everyLayerKindAndSettingComesBackBitForBit() throws IOException {
        Network net = OnnxTestNets.everyLayer(11);
        Network back = roundTrip(net, Provenance.empty().with("note", "every layer"));
        assertSameNetwork(net, back, 6);
        assertSamePredictions(net, back, 12);
        Network vectors = OnnxTestNets.vectors(13);
        Network vback = roundTrip(vectors, Provenance.of("k", "v"));
        assertSameNetwork(vectors, vback, -1);
        assertSamePredictions(vectors, vback, 14);
    }

    @Test
    void aVbpmModelExportedToOnnxIsTheSameModel() throws IOException {
        Network net = OnnxTestNets.smallClassifier(21);
        Path vbpm = dir.resolve("m.vbpm");
        ModelFile.save(net, Provenance.of("seed", 21, "data", "none"), vbpm);
        ModelFile.Model m = ModelFile.load(vbpm);
        Path onnx = dir.resolve("m.onnx");
        OnnxExport.save(m.network(), m.provenance(), onnx);
        Models.Loaded back = Models.open(onnx, null);
        assertEquals("onnx", back.format());
        assertEquals(m.provenance(), back.provenance());
        assertSameNetwork(m.network(), back.network(), -1);
        assertSamePredictions(net, back.network(), 22);
    }
}
