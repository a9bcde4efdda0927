package org.visualbackprop.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.visualbackprop.data.FashionMnist;
import org.visualbackprop.data.RoadScenes;
import org.visualbackprop.data.RoadView;
import org.visualbackprop.data.TrafficSigns;
import org.visualbackprop.io.ModelFile;
import org.visualbackprop.nn.Network;
import org.visualbackprop.train.Dataset;
import org.visualbackprop.train.Datasets;
import org.visualbackprop.train.Loss;
import org.visualbackprop.train.Trainer;

/**
 * The models shipped in {@code notebooks/models} load and still do their job on fresh held-out data (seeds none of
 * them was trained or validated on), against the targets rather than against their own saved outputs: a file
 * format change or a kernel change that broke them would show here. Samples are fewer than the README's, so the bounds
 * leave room for sampling.
 */
class ShippedModelsTest {
    static final Path MODELS = Path.of("models");

    private static Network load(String name) throws Exception {
        Path p = MODELS.resolve(name);
        assertTrue(Files.isRegularFile(p), "missing shipped model " + p.toAbsolutePath());
        return ModelFile.load(p).network();
    }

    @Test
    void theSignNetRecognizesHeldOutSigns() throws Exception {
        Network net = load("signnet-signs.vbpm");
        Trainer.Evaluation e = Trainer.evaluate(net, Loss.nll(), TrafficSigns.of(99991, 430), 43);
        assertTrue(e.metric() >= 0.95, "accuracy " + e.metric() + " on 430 signs");
    }

    @Test
    void theSmallSteeringNetBeatsTheMeanPredictorByFar() throws Exception {
        Network net = load("small-roads.vbpm");
        RoadScenes frames = RoadScenes.of(99991, 200, RoadView.SVF);
        Trainer.Evaluation e = Trainer.evaluate(net, Loss.mse(), frames, 50);
        double degrees = e.metric() * RoadScenes.NORMALIZING_DEGREES;
        assertTrue(degrees < 13, "RMSE " + degrees + " degrees on 200 frames (the mean predictor scores about 24)");
        assertEquals("adamw", ModelFile.load(MODELS.resolve("small-roads.vbpm")).provenance().get("optimizer"));
    }

    @Test
    void theFashionNetClassifiesTestPictures() throws Exception {
        assumeTrue(FashionMnist.isInstalled(FashionMnist.Split.TEST), "Debian's dataset-fashion-mnist is not installed");
        Network net = load("small-fashion-mnist.vbpm");
        Dataset test = Datasets.range(FashionMnist.load(FashionMnist.Split.TEST), 0, 2000);
        Trainer.Evaluation e = Trainer.evaluate(net, Loss.nll(), test, 200);
        assertTrue(e.metric() >= 0.90, "accuracy " + e.metric() + " on 2,000 test pictures");
    }
}
