package org.visualbackprop.io.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.visualbackprop.io.torch.Torch7Writer.floatTensor;
import static org.visualbackprop.io.torch.Torch7Writer.longs;
import static org.visualbackprop.io.torch.Torch7Writer.module;
import static org.visualbackprop.io.torch.Torch7Writer.sequential;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.CorruptFileException;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.torch.Torch7Writer.Obj;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Dropout;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.MaxPool2d;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.Tolerances;

class TorchImportTest {
    @TempDir
    Path dir;

    private Path write(String name, Obj model) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, Torch7Writer.bytes(model));
        return f;
    }

    private static float[] floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static void assertForward(Network net, double[][][][] x, double[][] expected, Mode mode) {
        Tensor in = Tensor.wrap(new Shape(x.length, x[0].length, x[0][0].length, x[0][0][0].length), TorchTestNets.flat(x));
        Tensor y = net.forward(in, mode);
        int k = expected[0].length;
        assertEquals(Shape.vector(x.length, k), y.shape());
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < k; j++) {
                double got = y.data()[i * k + j];
                assertTrue(Tolerances.close(got, expected[i][j], Tolerances.F32),
                        mode + " sample " + i + " output " + j + ": network " + got + ", literal " + expected[i][j]);
            }
        }
    }

    @Test
    void netAConvertsLayerByLayerWithEveryWeight() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(11);
        TorchModel m = TorchImport.load(write("a.t7", a.model(false)), TorchTestNets.NetA.INPUT);
        Network net = m.network();
        List<String> kinds = net.layers().stream().map(Layer::kind).toList();
        assertEquals(List.of("BatchNorm2d", "Conv2d", "ReLU", "MaxPool2d", "BatchNorm2d", "ReLU", "Conv2d", "Flatten",
                "Dense", "Tanh", "Dropout", "Dense", "ReLU", "LogSoftmax"), kinds);

        BatchNorm2d bn1 = (BatchNorm2d) net.layer(0);
        assertArrayEquals(floats(a.bn1Mean), bn1.runningMean().data());
        assertArrayEquals(floats(a.bn1W), bn1.gamma().value().data());
        assertArrayEquals(floats(a.bn1B), bn1.beta().value().data());
        assertEquals(1e-5f, bn1.eps());
        assertEquals(0.1f, bn1.momentum());
        for (int c = 0; c < 2; c++) {
            assertEquals(TorchImport.varianceFromInverseStd((float) a.bn1Std[c], 1e-5f), bn1.runningVar().data()[c]);
        }

        Conv2d conv1 = (Conv2d) net.layer(1);
        assertEquals(new Window(3, 3, 1, 1, 1, 1), conv1.window());
        assertEquals(new Shape(3, 2, 3, 3), conv1.weight().value().shape());
        assertArrayEquals(floats(a.conv1W), conv1.weight().value().data());
        assertArrayEquals(floats(a.conv1B), conv1.bias().value().data());

        assertEquals(Window.of(2, 2), ((MaxPool2d) net.layer(3)).window());

        BatchNorm2d bn2 = (BatchNorm2d) net.layer(4);
        assertArrayEquals(floats(a.bn2Mean), bn2.runningMean().data());
        assertArrayEquals(floats(a.bn2Var), bn2.runningVar().data());
        assertArrayEquals(new float[] {1, 1, 1}, bn2.gamma().value().data());
        assertArrayEquals(new float[] {0, 0, 0}, bn2.beta().value().data());
        assertEquals(1e-3f, bn2.eps());

        Conv2d conv2 = (Conv2d) net.layer(6);
        assertEquals(new Window(2, 3, 1, 2, 0, 0), conv2.window());
        assertArrayEquals(floats(a.conv2W), conv2.weight().value().data());
        assertNull(conv2.bias());

        Dense fc1 = (Dense) net.layer(8);
        assertEquals(new Shape(5, 8, 1, 1), fc1.weight().value().shape());
        assertArrayEquals(floats(a.fc1W), fc1.weight().value().data(), "the transposed, strided view read as [out, in]");
        assertArrayEquals(floats(a.fc1B), fc1.bias().value().data());
        assertEquals(0.3f, ((Dropout) net.layer(10)).probability());
        Dense fc2 = (Dense) net.layer(11);
        assertArrayEquals(floats(a.fc2W), fc2.weight().value().data());
        assertArrayEquals(floats(a.fc2B), fc2.bias().value().data());

        assertEquals(Set.of(TorchModel.BatchNormStatistics.INVERSE_STD, TorchModel.BatchNormStatistics.VARIANCE),
                m.batchNormStatistics());
        assertEquals("model.modules[5].modules[3]", m.layerModules().get(6).path());
        assertEquals("cudnn.SpatialConvolution", m.layerModules().get(6).className());
        assertEquals("model.modules[11]", m.layerModules().get(12).path());
        assertFalse(m.inputInferred());
    }

    @Test
    void netAForwardMatchesTheLiteralComputationInBothModes() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(12);
        Network net = TorchImport.load(write("a.t7", a.model(true)), TorchTestNets.NetA.INPUT).network();
        double[][][][] x = TorchTestNets.inputs(TorchTestNets.NetA.INPUT.withBatch(3), 5);
        assertForward(net, x, a.forward(x, false), Mode.EVAL);
        assertForward(net, x, a.forward(x, true), Mode.BATCH_STATISTICS);
    }

    @Test
    void netBWithLegacyHeadersMmWeightsAndVectorBatchNormMatchesTheLiteralComputation() throws IOException {
        TorchTestNets.NetB b = new TorchTestNets.NetB(13);
        Torch7Writer w = new Torch7Writer();
        w.legacy = true;
        w.value(b.model(false));
        Path f = dir.resolve("b.t7");
        Files.write(f, w.toByteArray());
        TorchModel m = TorchImport.load(f, TorchTestNets.NetB.INPUT);
        Network net = m.network();
        assertEquals(List.of("Conv2d", "ReLU", "Flatten", "BatchNorm2d", "Dense"), net.layers().stream().map(Layer::kind).toList());
        assertArrayEquals(floats(b.convW), ((Conv2d) net.layer(0)).weight().value().data());
        assertEquals(new Shape(2, 1, 2, 2), ((Conv2d) net.layer(0)).weight().value().shape());
        assertNull(((Dense) net.layer(4)).bias());
        assertEquals(0, m.modules().stream().filter(x -> x.className().equals("nn.Identity")).findFirst().orElseThrow().layerCount());
        double[][][][] x = TorchTestNets.inputs(TorchTestNets.NetB.INPUT.withBatch(4), 6);
        assertForward(net, x, b.forward(x, false), Mode.EVAL);
        assertForward(net, x, b.forward(x, true), Mode.BATCH_STATISTICS);
    }

    @Test
    void convertedModelRoundTripsThroughTheProjectsModelFile() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(14);
        TorchModel m = TorchImport.load(write("a.t7", a.model(true)), TorchTestNets.NetA.INPUT);
        Path vbpm = dir.resolve("a.vbpm");
        ModelFile.save(m.network(), m.provenance(), vbpm);
        ModelFile.Model back = ModelFile.load(vbpm);
        assertEquals("torch7", back.provenance().get("imported.from"));
        assertEquals("a.t7", back.provenance().get("imported.file"));
        assertEquals("training", back.provenance().get("imported.train"));
        double[][][][] x = TorchTestNets.inputs(TorchTestNets.NetA.INPUT.withBatch(2), 7);
        Tensor in = Tensor.wrap(TorchTestNets.NetA.INPUT.withBatch(2), TorchTestNets.flat(x));
        assertArrayEquals(m.network().forward(in, Mode.EVAL).data(), back.network().forward(in, Mode.EVAL).data());
    }

    /**
     * The old kind's running_std becomes running_var = 1/std^2 - eps; BatchNorm2d's evaluation scale
     * 1/sqrt(running_var + eps) must give back running_std to a few float32 ulps, across the whole range of
     * inverse standard deviations up to 1/sqrt(eps).
     */
    @Test
    void runningStdConversionKeepsTheScaleToAFewUlps() {
        float eps = 1e-5f;
        SplittableRandom r = new SplittableRandom(3);
        int n = 2000;
        float[] std = new float[n];
        for (int i = 0; i < n; i++) {
            // log-uniform over [1e-3, 316]: just below 1/sqrt(eps) = 316.23
            std[i] = (float) Math.exp(Math.log(1e-3) + (Math.log(316.0) - Math.log(1e-3)) * r.nextDouble());
        }
        std[0] = 316.2f;
        std[1] = 1e-3f;
        std[2] = 1f;
        Shape s = Shape.vector(1, n);
        float[] var = new float[n];
        for (int i = 0; i < n; i++) {
            var[i] = TorchImport.varianceFromInverseStd(std[i], eps);
        }
        Tensor ones = Tensor.zeros(s);
        ones.fillInPlace(1f);
        BatchNorm2d bn = BatchNorm2d.withStatistics(eps, 0.1f, ones, Tensor.zeros(s), Tensor.zeros(s), Tensor.wrap(s, var));
        float[] scale = bn.evalAffine()[0];
        double worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(scale[i] - (double) std[i]) / Math.ulp(std[i]));
        }
        assertTrue(worst <= 3, "worst difference " + worst + " float32 ulps");
        // beyond the bound (only reachable through rounding): clamped to variance 0, scale 1/sqrt(eps)
        assertEquals(0f, TorchImport.varianceFromInverseStd(316.3f, eps));
        assertEquals(0f, TorchImport.varianceFromInverseStd(1000f, eps));
    }

    @Test
    void unsupportedModuleIsNamedWithItsPosition() throws IOException {
        Obj inner = sequential(false, module("nn.ReLU"), module("nn.ReLU"), module("nn.ReLU"),
                module("cudnn.SpatialAveragePooling", "kW", 2, "kH", 2));
        Path f = write("avg.t7", sequential(false, inner));
        UnsupportedTorchModelException e = assertThrows(UnsupportedTorchModelException.class,
                () -> TorchImport.load(f, new Shape(1, 1, 8, 8)));
        assertTrue(e.getMessage().contains("unsupported Torch module cudnn.SpatialAveragePooling at model.modules[1].modules[4]"),
                e.getMessage());
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }

    @Test
    void wrongInputSizeNamesTheViewAndTheSizes() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(15);
        Path f = write("a.t7", a.model(false));
        ShapeException e = assertThrows(ShapeException.class, () -> TorchImport.load(f, new Shape(1, 2, 9, 8)));
        assertTrue(e.getMessage().contains("nn.View(8) at model.modules[6] expects 8 values per sample"), e.getMessage());
        assertTrue(e.getMessage().contains("4 x 3 x 1 = 12"), e.getMessage());
    }

    @Test
    void wrongFeatureCountNamesTheLinear() throws IOException {
        Obj m = sequential(false, module("nn.View", "size", longs(-1, 12)),
                module("nn.Linear", "weight", floatTensor(new double[10 * 6], 6, 10)));
        ShapeException e = assertThrows(ShapeException.class,
                () -> TorchImport.load(write("lin.t7", m), new Shape(1, 3, 2, 2)));
        assertTrue(e.getMessage().contains("nn.Linear(10 -> 6) at model.modules[2] expects 10 input features"), e.getMessage());
        assertTrue(e.getMessage().contains("give 12"), e.getMessage());
    }

    @Test
    void wrongChannelCountNamesTheLayer() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(16);
        ShapeException e = assertThrows(ShapeException.class,
                () -> TorchImport.load(write("a.t7", a.model(false)), new Shape(1, 3, 7, 8)));
        assertTrue(e.getMessage().contains("nn.SpatialBatchNormalization at model.modules[1]"), e.getMessage());
    }

    @Test
    void viewsThatDoNotFlattenAreRefused() throws IOException {
        Obj reshape = sequential(false, module("nn.View", "size", longs(2, 6)));
        UnsupportedTorchModelException e = assertThrows(UnsupportedTorchModelException.class,
                () -> TorchImport.load(write("v.t7", reshape), new Shape(1, 3, 2, 2)));
        assertTrue(e.getMessage().contains("nn.View(2, 6) reshapes each sample to [2, 6]"), e.getMessage());
        Obj batchWide = sequential(false, module("nn.View", "size", longs(-1)));
        e = assertThrows(UnsupportedTorchModelException.class,
                () -> TorchImport.load(write("v1.t7", batchWide), new Shape(1, 3, 2, 2)));
        assertTrue(e.getMessage().contains("without setNumInputDims"), e.getMessage());
        // with setNumInputDims(3) the -1 is per sample: accepted
        Obj perSample = sequential(false, module("nn.View", "size", longs(-1), "numInputDims", 3));
        assertEquals("Flatten", TorchImport.load(write("v2.t7", perSample), new Shape(1, 3, 2, 2)).network().layer(0).kind());
        Obj partial = sequential(false, module("nn.View", "size", longs(-1), "numInputDims", 1));
        e = assertThrows(UnsupportedTorchModelException.class,
                () -> TorchImport.load(write("v3.t7", partial), new Shape(1, 3, 2, 2)));
        assertTrue(e.getMessage().contains("setNumInputDims(1.0) does not take whole samples of 3 x 2 x 2"), e.getMessage());
        // nn.Reshape(12)
        Obj r = sequential(false, module("nn.Reshape", "size", longs(12), "nelement", 12, "batchsize", longs(1, 12)));
        assertEquals(Shape.vector(1, 12), TorchImport.load(write("r.t7", r), new Shape(1, 3, 2, 2)).network().outputShape(1));
    }

    @Test
    void ceilModePoolingIsAcceptedOnlyWhereItChangesNothing() throws IOException {
        Obj pool = sequential(false, module("nn.SpatialMaxPooling", "kW", 2, "kH", 2, "dW", 2, "dH", 2, "ceil_mode", true));
        Path f = write("pool.t7", pool);
        assertEquals(new Shape(1, 1, 4, 4), TorchImport.load(f, new Shape(1, 1, 8, 8)).network().outputShape(1));
        UnsupportedTorchModelException e = assertThrows(UnsupportedTorchModelException.class,
                () -> TorchImport.load(f, new Shape(1, 1, 9, 8)));
        assertTrue(e.getMessage().contains("ceil_mode is set and gives 5 x 4 outputs"), e.getMessage());
        assertTrue(e.getMessage().contains("nn.SpatialMaxPooling at model.modules[1]"), e.getMessage());
    }

    @Test
    void settingsWithoutAnEquivalentAreRefused() throws IOException {
        Shape in = new Shape(1, 1, 4, 4);
        Obj th = sequential(false, module("nn.Threshold", "threshold", 1e-6, "val", 0));
        assertTrue(assertThrows(UnsupportedTorchModelException.class, () -> TorchImport.load(write("t.t7", th), in))
                .getMessage().contains("nn.Threshold at model.modules[1]"));
        Obj oldDrop = sequential(false, module("nn.Dropout", "p", 0.5));
        assertTrue(assertThrows(UnsupportedTorchModelException.class, () -> TorchImport.load(write("d.t7", oldDrop), in))
                .getMessage().contains("old kind"));
        Obj grouped = sequential(false, module("cudnn.SpatialConvolution", "nInputPlane", 1, "nOutputPlane", 1, "kW", 1,
                "kH", 1, "groups", 2, "weight", floatTensor(new double[] {1}, 1, 1, 1, 1)));
        assertTrue(assertThrows(UnsupportedTorchModelException.class, () -> TorchImport.load(write("g.t7", grouped), in))
                .getMessage().contains("2 groups"));
        Obj sigmoidRelu = sequential(false, module("cudnn.ReLU", "mode", "CUDNN_ACTIVATION_SIGMOID"));
        assertTrue(assertThrows(UnsupportedTorchModelException.class, () -> TorchImport.load(write("s.t7", sigmoidRelu), in))
                .getMessage().contains("CUDNN_ACTIVATION_SIGMOID"));
    }

    @Test
    void missingOrInconsistentFieldsAreCorruptFiles() throws IOException {
        Shape in = new Shape(1, 1, 4, 4);
        Obj noKernel = sequential(false, module("nn.SpatialConvolution", "nInputPlane", 1, "nOutputPlane", 2, "kH", 3,
                "weight", floatTensor(new double[18], 2, 1, 3, 3)));
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> TorchImport.load(write("k.t7", noKernel), in));
        assertTrue(e.getMessage().contains("nn.SpatialConvolution at model.modules[1]: field 'kW' is missing"), e.getMessage());
        Obj badWeight = sequential(false, module("nn.SpatialConvolution", "nInputPlane", 1, "nOutputPlane", 2, "kW", 3,
                "kH", 3, "weight", floatTensor(new double[16], 2, 1, 2, 4)));
        e = assertThrows(CorruptFileException.class, () -> TorchImport.load(write("w.t7", badWeight), in));
        assertTrue(e.getMessage().contains("weight has sizes [2, 1, 2, 4]"), e.getMessage());
        Obj noStats = sequential(false, module("nn.SpatialBatchNormalization", "running_mean", floatTensor(new double[1], 1)));
        e = assertThrows(CorruptFileException.class, () -> TorchImport.load(write("bn.t7", noStats), in));
        assertTrue(e.getMessage().contains("neither running_var nor running_std"), e.getMessage());
        Obj badStd = sequential(false, module("nn.SpatialBatchNormalization", "running_mean", floatTensor(new double[1], 1),
                "running_std", floatTensor(new double[] {0}, 1)));
        e = assertThrows(CorruptFileException.class, () -> TorchImport.load(write("bs.t7", badStd), in));
        assertTrue(e.getMessage().contains("running_std[1] is 0.0"), e.getMessage());
        Obj modulesNotATable = module("nn.Sequential", "modules", 3);
        e = assertThrows(CorruptFileException.class, () -> TorchImport.load(write("m.t7", modulesNotATable), in));
        assertTrue(e.getMessage().contains("field 'modules' is the double 3.0"), e.getMessage());
    }

    @Test
    void aFileThatIsNotAModuleIsRefused() throws IOException {
        Path f = dir.resolve("table.t7");
        Files.write(f, Torch7Writer.bytes(Torch7Writer.table("model", 1)));
        UnsupportedTorchModelException e = assertThrows(UnsupportedTorchModelException.class,
                () -> TorchImport.load(f, new Shape(1, 1, 2, 2)));
        assertTrue(e.getMessage().contains("not an nn module"), e.getMessage());
    }

    @Test
    void trainingModeIsReadFromTheModules() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(17);
        TorchModel train = TorchImport.load(write("t.t7", a.model(true)), TorchTestNets.NetA.INPUT);
        assertEquals(TorchModel.TrainingState.TRAINING, train.trainingState());
        assertTrue(train.savedInTrainingMode());
        assertEquals(Mode.BATCH_STATISTICS, train.modeAsSaved());
        TorchModel eval = TorchImport.load(write("e.t7", a.model(false)), TorchTestNets.NetA.INPUT);
        assertEquals(TorchModel.TrainingState.EVALUATION, eval.trainingState());
        assertEquals(Mode.EVAL, eval.modeAsSaved());
        Obj mixed = sequential(true, module("nn.SpatialBatchNormalization", "train", true,
                "running_mean", floatTensor(new double[1], 1), "running_var", floatTensor(new double[] {1}, 1)),
                module("nn.SpatialBatchNormalization", "train", false,
                "running_mean", floatTensor(new double[1], 1), "running_var", floatTensor(new double[] {1}, 1)));
        TorchModel mx = TorchImport.load(write("m.t7", mixed), new Shape(1, 1, 2, 2));
        assertEquals(TorchModel.TrainingState.MIXED, mx.trainingState());
        IllegalStateException e = assertThrows(IllegalStateException.class, mx::modeAsSaved);
        assertTrue(e.getMessage().contains("training: model.modules[1]; evaluation: model.modules[2]"), e.getMessage());
        Obj none = module("nn.Sequential", "modules", Torch7Writer.table(1.0, module("nn.ReLU")));
        assertEquals(TorchModel.TrainingState.UNRECORDED,
                TorchImport.load(write("n.t7", none), new Shape(1, 1, 2, 2)).trainingState());
    }

    /** A net shaped like NetHVF's input (one channel, 125 x 349) is inferred as such; without a View nothing is. */
    @Test
    void inputShapeIsInferredFromThePapersSizes() throws IOException {
        // 1 x 125 x 349 -> conv 5x5 stride 5 -> 1 x 25 x 69 = 1725 values
        Obj hvf = sequential(false, module("nn.SpatialConvolution", "nInputPlane", 1, "nOutputPlane", 1, "kW", 5, "kH", 5,
                "dW", 5, "dH", 5, "weight", floatTensor(new double[25], 1, 1, 5, 5)),
                module("nn.View", "size", longs(1725)), module("nn.Linear", "weight", floatTensor(new double[1725], 1, 1725)));
        Path f = write("hvf.t7", hvf);
        TorchModel m = TorchImport.load(f);
        assertEquals(new Shape(1, 1, 125, 349), m.inputShape());
        assertTrue(m.inputInferred());
        assertEquals("true", m.provenance().get("imported.input.inferred"));
        TorchModel given = TorchImport.load(f, 125, 349);
        assertEquals(new Shape(1, 1, 125, 349), given.inputShape(), "height and width given, channels from the model");
        assertFalse(given.inputInferred());

        Obj fullyConv = sequential(false, module("nn.SpatialConvolution", "nInputPlane", 3, "nOutputPlane", 1, "kW", 1,
                "kH", 1, "weight", floatTensor(new double[3], 1, 3, 1, 1)));
        Path g = write("fc.t7", fullyConv);
        ShapeException e = assertThrows(ShapeException.class, () -> TorchImport.load(g));
        assertTrue(e.getMessage().contains("no View, Reshape or Linear"), e.getMessage());
        assertEquals(3, TorchImport.inputChannels(Torch7Reader.read(g), g.toString()));

        Obj misfit = sequential(false, module("nn.SpatialConvolution", "nInputPlane", 1, "nOutputPlane", 1, "kW", 1,
                "kH", 1, "weight", floatTensor(new double[1], 1, 1, 1, 1)), module("nn.View", "size", longs(7)));
        Path h = write("misfit.t7", misfit);
        e = assertThrows(ShapeException.class, () -> TorchImport.load(h));
        assertTrue(e.getMessage().contains("none of the paper's sizes fits"), e.getMessage());
        assertTrue(e.getMessage().contains("1 x 125 x 640: nn.View(7) at model.modules[2] expects 7 values"), e.getMessage());
        Obj noChannels = sequential(false, module("nn.View", "size", longs(7)));
        Path k = write("nochannels.t7", noChannels);
        e = assertThrows(ShapeException.class, () -> TorchImport.load(k));
        assertTrue(e.getMessage().contains("cannot tell the model's input channel count"), e.getMessage());

        Obj mlp = sequential(false, module("nn.Linear", "weight", floatTensor(new double[12], 3, 4)));
        assertEquals(Shape.vector(1, 4), TorchImport.load(write("mlp.t7", mlp)).inputShape());
    }

    @Test
    void describeListsEveryLayerModule() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(18);
        TorchModel m = TorchImport.load(write("a.t7", a.model(false)), TorchTestNets.NetA.INPUT);
        String d = m.describe();
        assertEquals(m.layerModules().size(), d.lines().count());
        assertTrue(d.contains("model.modules[5].modules[3] cudnn.SpatialConvolution -> conv2=Conv2d(3 -> 4"), d);
        assertInstanceOf(String.class, m.provenance().get("imported.classes"));
        assertTrue(m.provenance().get("imported.batchnorm").contains("running_std"));
    }
}
