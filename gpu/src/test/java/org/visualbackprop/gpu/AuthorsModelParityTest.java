package org.visualbackprop.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.visualbackprop.engine.DeviceInfo;
import org.visualbackprop.engine.Request;
import org.visualbackprop.engine.Result;
import org.visualbackprop.explain.Lrp;
import org.visualbackprop.explain.Target;
import org.visualbackprop.image.Images;
import org.visualbackprop.io.torch.TorchImport;
import org.visualbackprop.nn.Network;
import org.visualbackprop.tensor.Tensor;
import org.visualbackprop.testing.AuthorsData;

/**
 * The authors' published model ({@code model.t7b}: 10 BatchNorm-conv-ReLU blocks, a last BatchNorm, three Linear
 * layers) on their road frames, in evaluation mode (running statistics), through the OpenCL engine and core.
 * Skipped, with the reason, when {@code shared/authors} is absent.
 */
class AuthorsModelParityTest {

    @Test
    void authorsModelOnTheirFramesGivesCoreResults(TestReporter reporter) throws IOException {
        Path model = AuthorsData.model();
        Path frames = AuthorsData.frames();
        DeviceInfo d = TestDevices.openCl();
        reporter.publishEntry("device", d.describe());
        Network net = TorchImport.load(model).network();
        List<Tensor> images = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            images.add(Images.load(frames.resolve("img" + i + ".jpg"), 1, net.inputShape().h(), net.inputShape().w(),
                    Images.Fit.EXACT));
        }
        Result r = Parity.check("the authors' model on frames img1-4", net, Tensor.stack(images),
                Request.vbpAll().withLrp(Lrp.paper(), Target.predicted()), d);
        assertTrue(r.device().isOpenCL(), r.device().describe());
    }
}
