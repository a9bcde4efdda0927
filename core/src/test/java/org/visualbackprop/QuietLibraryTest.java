package org.visualbackprop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.image.Images;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Npy;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.nn.Trace;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.TestData;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Sgd;
import org.visualbackprop.train.Trainer;

/** Library code does not print (DESIGN.md, house style 4): a whole round of its work writes nothing to stdout or stderr. */
class QuietLibraryTest {
    @TempDir
    Path dir;

    @Test
    void trainingSavingLoadingAndImagesWriteNothingToTheConsole() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        try {
            SplittableRandom r = new SplittableRandom(81);
            Shape in = new Shape(1, 1, 16, 16);
            Network net = PaperNets.small(in, 2, true, 82);
            Tensor x = TestData.uniform(in.withBatch(8), r);
            Tensor y = Tensor.of(Shape.vector(8, 1), 0, 1, 0, 1, 1, 0, 1, 0);
            new Trainer(net, Loss.nll(), Sgd.of(0.01, 0.9, 0), Trainer.Config.of(2, 4, 83))
                    .fit(Datasets.of(x, y, "quiet"), Datasets.of(x, y, "quiet"), null);
            Trace t = net.trace(x, Mode.EVAL);
            net.backward(t, Tensor.zeros(t.result().shape()), false, true);
            Path model = dir.resolve("m.vbpm");
            ModelFile.save(net, Provenance.of("seed", 82), model);
            ModelFile.load(model);
            Path onnx = dir.resolve("m.onnx");
            org.visualbackprop.io.onnx.OnnxExport.save(net, Provenance.of("seed", 82), onnx);
            org.visualbackprop.io.Models.load(onnx);
            Npy.write(dir.resolve("x.npy"), x);
            Npy.read(dir.resolve("x.npy"));
            Images.writePng(Images.toImage(x, 0), dir.resolve("x.png"));
            Images.load(dir.resolve("x.png"), 1, 6, 8, Images.Fit.RESIZE);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8), "the library printed");
    }
}
