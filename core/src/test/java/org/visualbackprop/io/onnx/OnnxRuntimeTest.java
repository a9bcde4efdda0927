package org.visualbackprop.io.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.NumericAssert;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.testing.Tolerances;

/**
 * Networks written by {@link OnnxExport} run in ONNX Runtime (the Maven artifact com.microsoft.onnxruntime:onnxruntime,
 * a test dependency) and predict what our forward pass predicts. Skipped, with the reason, where ONNX Runtime's native
 * library does not load (a platform it has no build for).
 */
class OnnxRuntimeTest {
    @TempDir
    Path dir;

    private static OrtEnvironment environment() {
        try {
            return OrtEnvironment.getEnvironment();
        } catch (Throwable e) { // UnsatisfiedLinkError and friends from the native library
            Assumptions.abort("ONNX Runtime does not load on this machine (" + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + "): " + e);
            return null;
        }
    }

    /** ONNX Runtime's output for {@code x} from the model's bytes. */
    private static float[] run(byte[] model, Tensor x, boolean vectors) throws OrtException {
        OrtEnvironment env = environment();
        Shape s = x.shape();
        long[] dims = vectors ? new long[] {s.n(), s.c()} : new long[] {s.n(), s.c(), s.h(), s.w()};
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x.data()), dims);
             OrtSession.Result r = session.run(Map.of("input", in))) {
            OnnxTensor out = (OnnxTensor) r.get("output").orElseThrow();
            FloatBuffer b = out.getFloatBuffer();
            float[] v = new float[b.remaining()];
            b.get(v);
            return v;
        }
    }

    private static void assertSamePredictions(Network net, byte[] model, boolean vectors, long seed) throws OrtException {
        Tensor x = TestData.uniform(net.inputShape().withBatch(3), new SplittableRandom(seed));
        float[] ours = net.forward(x, Mode.EVAL).data();
        float[] theirs = run(model, x, vectors);
        NumericAssert.assertCloseToLargest(ours, theirs, Tolerances.CROSS_FRAMEWORK, "ONNX Runtime against our forward pass");
    }

    @Test
    void aVbpmModelExportedToOnnxPredictsTheSameInOnnxRuntime() throws IOException, OrtException {
        Path vbpm = dir.resolve("small.vbpm");
        ModelFile.save(OnnxTestNets.smallClassifier(31), Provenance.of("seed", 31), vbpm);
        ModelFile.Model m = ModelFile.load(vbpm);
        Path onnx = dir.resolve("small.onnx");
        OnnxExport.save(m.network(), m.provenance(), onnx);
        assertSamePredictions(m.network(), Files.readAllBytes(onnx), false, 32);
        OrtEnvironment env = environment();
        try (OrtSession session = env.createSession(Files.readAllBytes(onnx), new OrtSession.SessionOptions())) {
            assertEquals("31", session.getMetadata().getCustomMetadata().get("seed"), "provenance as ONNX metadata");
            assertArrayEquals(new String[] {"input"}, session.getInputNames().toArray(new String[0]));
        }
    }

    @Test
    void everyLayerKindRunsInOnnxRuntime() throws OrtException {
        Network every = OnnxTestNets.everyLayer(41);
        assertSamePredictions(every, OnnxExport.toBytes(every, Provenance.empty()), false, 42);
        Network vectors = OnnxTestNets.vectors(43);
        assertSamePredictions(vectors, OnnxExport.toBytes(vectors, Provenance.empty()), true, 44);
    }
}
