package org.visualbackprop.io.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.visualbackprop.image.Images;
import org.visualbackprop.nn.BatchNorm2d;
import org.visualbackprop.nn.Conv2d;
import org.visualbackprop.nn.Dense;
import org.visualbackprop.nn.Layer;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.tensor.Window;
import org.visualbackprop.testing.AuthorsData;
import org.visualbackprop.testing.Tolerances;

/**
 * The authors' published model ({@code model.t7b}) and road frames, read from {@code shared/authors/} (never copied
 * into the project: the data carries no licence). Skipped when the folder is absent. The folder is the system
 * property {@code vbp.authors.dir} when set, else the first {@code shared/authors} found walking up from the working
 * directory.
 */
class AuthorsModelTest {
    private static final int FRAMES = 16;
    private static final Shape INPUT = new Shape(1, 1, 125, 640);
    private static Path authors;

    @BeforeAll
    static void locate() {
        authors = AuthorsData.folder();
    }

    private static Path model() {
        return AuthorsData.model();
    }

    private static Tensor frames(int count) throws IOException {
        List<Tensor> xs = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            Path f = authors.resolve("frames/img" + i + ".jpg");
            Assumptions.assumeTrue(Files.isRegularFile(f), "the authors' frame " + f + " is absent: skipping");
            xs.add(Images.load(f, 1, 125, 640, Images.Fit.EXACT));
        }
        return Tensor.stack(xs);
    }

    @Test
    void loadsAsPaperNotesDescribeIt() throws IOException {
        TorchModel m = TorchImport.load(model());
        assertEquals(INPUT, m.inputShape(), "inferred from View(816): the frames' size");
        assertTrue(m.inputInferred());
        Network net = m.network();
        int[] channels = {8, 8, 16, 16, 24, 24, 36, 36, 48, 48};
        int in = 1;
        for (int i = 0; i < 10; i++) {
            BatchNorm2d bn = (BatchNorm2d) net.layer(3 * i);
            Conv2d conv = (Conv2d) net.layer(3 * i + 1);
            assertEquals(in, bn.channels());
            assertEquals(in, conv.inChannels());
            assertEquals(channels[i], conv.outChannels());
            assertEquals(Window.of(3, i % 2 == 0 ? 1 : 2), conv.window(), "conv " + (i + 1));
            assertEquals("ReLU", net.layer(3 * i + 2).kind());
            in = channels[i];
        }
        assertEquals(48, ((BatchNorm2d) net.layer(30)).channels());
        assertEquals(List.of("BatchNorm2d", "Flatten", "Dense", "ReLU", "Dense", "ReLU", "Dense"),
                net.layers().subList(30, net.size()).stream().map(Layer::kind).toList());
        int[][] dense = {{816, 128}, {128, 16}, {16, 1}};
        for (int i = 0; i < 3; i++) {
            Dense d = (Dense) net.layer(32 + 2 * i);
            assertEquals(dense[i][0], d.inFeatures());
            assertEquals(dense[i][1], d.outFeatures());
        }
        assertEquals(new Shape(1, 48, 1, 17), net.shapes(1).get(29), "the last conv's output, 816 values");
        assertEquals(Set.of(TorchModel.BatchNormStatistics.INVERSE_STD), m.batchNormStatistics());
        assertEquals(TorchModel.TrainingState.TRAINING, m.trainingState(), "saved in training mode");
        assertEquals(Mode.BATCH_STATISTICS, m.modeAsSaved());
        assertEquals(37, m.layerModules().size());
        assertEquals("model.modules[1].modules[2]", m.layerModules().get(1).path());
        assertEquals("cudnn.SpatialConvolution", m.layerModules().get(1).className());
        assertEquals("model.modules[2].modules[1]", m.layerModules().get(31).path());
        assertEquals("nn.View", m.layerModules().get(31).className());
    }

    @Test
    void framesGiveFinitePredictionsInBothModes() throws IOException {
        TorchModel m = TorchImport.load(model(), INPUT);
        Tensor x = frames(FRAMES);
        for (Mode mode : new Mode[] {Mode.EVAL, Mode.BATCH_STATISTICS}) {
            Tensor y = m.network().forward(x, mode);
            assertEquals(Shape.vector(FRAMES, 1), y.shape());
            assertEquals(-1, y.firstNonFinite(), mode + ": " + y);
        }
    }

    /**
     * The converted network against a literal double-precision forward pass that reads the modules' fields straight
     * from the file's values (Torch's own formulas: old BatchNorm as (x - running_mean) * running_std * weight + bias,
     * or batch statistics), not through the converter. Three frames, one batch, both modes.
     */
    @Test
    void convertedNetworkMatchesALiteralPassOverTheFilesFields() throws IOException {
        Path file = model();
        Object root = Torch7Reader.read(file);
        Network net = TorchImport.convert(root, INPUT, file.toString()).network();
        int n = 3;
        Tensor x = frames(n);
        List<TorchObject> modules = new ArrayList<>();
        collect((TorchObject) root, modules);
        for (boolean batch : new boolean[] {false, true}) {
            double[][][][] h = new double[n][1][125][640];
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < 125; r++) {
                    for (int c = 0; c < 640; c++) {
                        h[i][0][r][c] = x.get(i, 0, r, c);
                    }
                }
            }
            double[][] v = null;
            for (TorchObject mod : modules) {
                String k = mod.className();
                if (k.endsWith("SpatialBatchNormalization")) {
                    double[] w = tensor(mod, "weight");
                    double[] b = tensor(mod, "bias");
                    if (batch) {
                        h = Literal.batchNormBatch(h, (Double) mod.field("eps"), w, b);
                    } else {
                        for (int i = 0; i < n; i++) {
                            h[i] = Literal.batchNormInvStd(h[i], tensor(mod, "running_mean"), tensor(mod, "running_std"), w, b);
                        }
                    }
                } else if (k.endsWith("SpatialConvolution")) {
                    int o = ((Double) mod.field("nOutputPlane")).intValue();
                    int c = ((Double) mod.field("nInputPlane")).intValue();
                    int s = ((Double) mod.field("dW")).intValue();
                    double[][][][] w = TorchTestNets.kernel(tensor(mod, "weight"), o, c, 3, 3);
                    for (int i = 0; i < n; i++) {
                        h[i] = Literal.conv(h[i], w, tensor(mod, "bias"), s, s, 0, 0);
                    }
                } else if (k.equals("cudnn.ReLU")) {
                    for (int i = 0; i < n; i++) {
                        h[i] = Literal.relu(h[i]);
                    }
                } else if (k.equals("nn.View")) {
                    v = new double[n][];
                    for (int i = 0; i < n; i++) {
                        v[i] = Literal.flatten(h[i]);
                    }
                } else if (k.equals("nn.Linear")) {
                    TorchTensor w = (TorchTensor) mod.field("weight");
                    double[][] wm = TorchTestNets.matrix(w.toDoubles(), (int) w.size(0), (int) w.size(1));
                    for (int i = 0; i < n; i++) {
                        v[i] = Literal.linear(v[i], wm, tensor(mod, "bias"));
                    }
                } else if (k.equals("nn.ReLU")) {
                    for (int i = 0; i < n; i++) {
                        v[i] = Literal.relu(v[i]);
                    }
                } else {
                    throw new AssertionError("unexpected module " + k);
                }
            }
            Tensor y = net.forward(x, batch ? Mode.BATCH_STATISTICS : Mode.EVAL);
            double scale = 0;
            for (double[] row : v) {
                scale = Math.max(scale, Math.abs(row[0]));
            }
            for (int i = 0; i < n; i++) {
                double got = y.data()[i];
                assertTrue(Tolerances.close(got / scale, v[i][0] / scale, Tolerances.F32),
                        (batch ? "batch statistics" : "evaluation") + ", frame " + (i + 1) + ": network " + got
                                + ", literal " + v[i][0]);
            }
        }
    }

    private static void collect(TorchObject m, List<TorchObject> out) {
        if (m.className().equals("nn.Sequential")) {
            for (Object child : ((TorchTable) m.field("modules")).array()) {
                collect((TorchObject) child, out);
            }
        } else {
            out.add(m);
        }
    }

    private static double[] tensor(TorchObject m, String field) {
        return ((TorchTensor) m.field(field)).toDoubles();
    }
}
