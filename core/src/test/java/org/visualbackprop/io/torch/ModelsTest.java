package org.visualbackprop.io.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.io.Models;
import org.visualbackprop.io.Provenance;
import org.visualbackprop.nets.PaperNets;
import org.visualbackprop.nn.Mode;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Shape;
import org.visualbackprop.tensor.ShapeException;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.TestData;

/** {@link Models}: one loader for every model format, chosen by the extension, with clear refusals. */
class ModelsTest {
    @TempDir
    Path dir;

    @Test
    void loadsAVbpmFileAsSaved() throws IOException {
        Network net = PaperNets.signNet(3);
        Path f = dir.resolve("sign.vbpm");
        ModelFile.save(net, Provenance.of("seed", 3), f);
        Models.Loaded m = Models.open(f, null);
        assertEquals("vbpm", m.format());
        assertEquals("3", m.provenance().get("seed"));
        Tensor x = TestData.uniform(net.inputShape().withBatch(2), new java.util.SplittableRandom(4));
        assertEquals(java.util.Arrays.toString(net.forward(x, Mode.EVAL).data()),
                java.util.Arrays.toString(Models.load(f).forward(x, Mode.EVAL).data()));
        assertEquals(net.inputShape(), Models.load(f, net.inputShape()).inputShape());
        ShapeException e = assertThrows(ShapeException.class, () -> Models.load(f, new Shape(1, 1, 10, 10)));
        assertTrue(e.getMessage().contains("3 x 125 x 125") && e.getMessage().contains("1 x 10 x 10"), e.getMessage());
    }

    @Test
    void loadsATorch7FileWithTheGivenInputSizeAndSaysItWasSavedInTrainingMode() throws IOException {
        TorchTestNets.NetA a = new TorchTestNets.NetA(21);
        Path f = dir.resolve("a.t7");
        Files.write(f, Torch7Writer.bytes(a.model(true)));
        Models.Loaded m = Models.open(f, TorchTestNets.NetA.INPUT);
        assertEquals("torch7", m.format());
        assertTrue(m.trainingModeBatchNorm());
        assertTrue(m.description().contains("training mode"), m.description());
        assertEquals(TorchTestNets.NetA.INPUT, m.network().inputShape());
        Files.write(dir.resolve("b.t7b"), Torch7Writer.bytes(a.model(false)));
        assertFalse(Models.open(dir.resolve("b.t7b"), TorchTestNets.NetA.INPUT).trainingModeBatchNorm());
    }

    @Test
    void refusesFoldersMissingFilesAndUnknownExtensionsByName() throws IOException {
        IllegalArgumentException folder = assertThrows(IllegalArgumentException.class, () -> Models.load(dir));
        assertTrue(folder.getMessage().contains("is a folder") && folder.getMessage().contains(".vbpm"), folder.getMessage());
        assertThrows(NoSuchFileException.class, () -> Models.load(dir.resolve("none.vbpm")));
        Path onnx = Files.writeString(dir.resolve("model.h5"), "x");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Models.load(onnx));
        assertTrue(unknown.getMessage().contains("model.h5") && unknown.getMessage().contains("unknown model format"), unknown.getMessage());
    }

    @Test
    void parsesInputShapesAndRefusesOthers() {
        assertEquals(new Shape(1, 3, 125, 640), Models.parseInputShape(" 3x125X640 "));
        for (String bad : new String[] {"125x640", "0x1x1", "ax1x1", "1x2x3x4", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.parseInputShape(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
