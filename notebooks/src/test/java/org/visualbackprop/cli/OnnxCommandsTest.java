package org.visualbackprop.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.cli.CommandLineTest.Result;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/** {@code vbp export} and {@code vbp explain} / {@code describe} on ONNX files, as a user runs them. */
class OnnxCommandsTest {
    @TempDir
    Path dir;

    /** A fixture of core's tests (exported by PyTorch; see core/src/test/resources/onnx/make_fixtures.py), copied out. */
    private Path fixture(String name) throws IOException {
        try (InputStream in = OnnxCommandsTest.class.getClassLoader().getResourceAsStream("onnx/" + name)) {
            if (in == null) {
                throw new IllegalStateException("core's test resource onnx/" + name + " is missing");
            }
            Path f = dir.resolve(name);
            Files.copy(in, f);
            return f;
        }
    }

    @Test
    void explainsAPyTorchExportWithItsPredictions() throws IOException {
        Path model = fixture("svf_bn.onnx");
        Path input = fixture("svf_bn.input.npy");
        float[] pytorch = Npy.read(fixture("svf_bn.output.npy")).floats();
        Path out = dir.resolve("explained");
        Result r = CommandLineTest.run("explain", "--model", model.toString(), "--input", input.toString(), "--method", "vbp,lrp",
                "--quiet", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("ONNX opset 13 from pytorch"), r.out());
        List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("input,prediction", csv.get(0));
        float[] ours = new float[csv.size() - 1];
        for (int i = 1; i < csv.size(); i++) {
            ours[i - 1] = Float.parseFloat(csv.get(i).split(",")[1]);
        }
        NumericAssert.assertCloseToLargest(pytorch, ours, Tolerances.CROSS_FRAMEWORK, "predictions.csv against PyTorch");
        for (String stem : List.of("svf_bn.input_0", "svf_bn.input_1")) {
            int[] shape = Npy.read(out.resolve(stem + ".vbp.npy")).shape();
            assertEquals(List.of(30, 64), List.of(shape[0], shape[1]), stem);
            assertTrue(Files.size(out.resolve(stem + ".vbp-overlay.png")) > 0);
            assertTrue(Files.size(out.resolve(stem + ".vbp-vs-lrp.png")) > 0);
        }
    }

    @Test
    void symbolicSizesAreAskedForAndSoftmaxIsSaidToBeReadAsLogSoftmax() throws IOException {
        Path model = fixture("tanh_softmax.onnx");
        Path input = fixture("tanh_softmax.input.npy");
        Result asks = CommandLineTest.run("describe", model.toString());
        assertEquals(2, asks.status());
        assertTrue(asks.err().contains("symbolic size [batch, 2, height, width]") && asks.err().contains("--input-shape"), asks.err());
        Result d = CommandLineTest.run("describe", model.toString(), "--input-shape", "2x16x16");
        assertEquals(0, d.status(), d.err());
        assertTrue(d.out().contains("read as LogSoftmax") && d.out().contains("LogSoftmax"), d.out());
    }

    @Test
    void explainsAPyTorchClassifierWithVisualBackPropAndLrp() throws IOException {
        Path model = fixture("sign_pool.onnx");
        Path input = fixture("sign_pool.input.npy");
        Path out = dir.resolve("e");
        Result e = CommandLineTest.run("explain", "--model", model.toString(), "--input", input.toString(), "--method", "all",
                "--quiet", "--out", out.toString());
        assertEquals(0, e.status(), e.err());
        List<String> csv = Files.readAllLines(out.resolve("predictions.csv"));
        assertEquals("input,prediction,log_probability", csv.get(0));
        float[] logProbabilities = Npy.read(fixture("sign_pool.output.npy")).floats();
        for (int i = 0; i < 2; i++) {
            int predicted = Integer.parseInt(csv.get(i + 1).split(",")[1]);
            int best = 0;
            for (int k = 1; k < 5; k++) {
                best = logProbabilities[i * 5 + k] > logProbabilities[i * 5 + best] ? k : best;
            }
            assertEquals(best, predicted, "PyTorch's class for input " + i);
            assertTrue(Files.size(out.resolve("sign_pool.input_" + i + ".vbp-steps.png")) > 0);
        }
    }

    @Test
    void aVbpmExportedToOnnxExplainsBitForBitAsTheVbpm() throws IOException {
        Network net = PaperNets.small(new Shape(1, 1, 24, 40), 1, false, 3);
        Path vbpm = dir.resolve("small.vbpm");
        ModelFile.save(net, Provenance.of("seed", 3), vbpm);
        Path onnx = dir.resolve("small.onnx");
        Result x = CommandLineTest.run("export", "--model", vbpm.toString(), "--out", onnx.toString());
        assertEquals(0, x.status(), x.err());
        assertTrue(x.out().contains("ONNX opset 13") && x.out().contains("[batch, 1, 24, 40]"), x.out());
        Path input = dir.resolve("x.npy");
        Npy.write(input, TestData.uniform(net.inputShape().withBatch(2), new SplittableRandom(4)));
        for (String m : List.of(vbpm.toString(), onnx.toString())) {
            Result r = CommandLineTest.run("explain", "--model", m, "--input", input.toString(), "--quiet", "--out",
                    dir.resolve(m.endsWith(".onnx") ? "from-onnx" : "from-vbpm").toString());
            assertEquals(0, r.status(), r.err());
        }
        for (String f : List.of("x_0.vbp.npy", "x_1.vbp.npy")) {
            NumericAssert.assertBitIdentical(Npy.read(dir.resolve("from-vbpm").resolve(f)).floats(),
                    Npy.read(dir.resolve("from-onnx").resolve(f)).floats(), f);
        }
        assertEquals(Files.readAllLines(dir.resolve("from-vbpm").resolve("predictions.csv")),
                Files.readAllLines(dir.resolve("from-onnx").resolve("predictions.csv")));
        Path back = dir.resolve("back.vbpm");
        assertEquals(0, CommandLineTest.run("export", "--model", onnx.toString(), "--out", back.toString()).status());
        assertEquals(Provenance.of("seed", 3), ModelFile.load(back).provenance());
        Result bad = CommandLineTest.run("export", "--model", vbpm.toString(), "--out", dir.resolve("m.h5").toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--out must end in .onnx or .vbpm"), bad.err());
    }
}
